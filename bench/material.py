"""Big material: time and peak memory of ``kirbygen generate`` on 500 mixed documents
(~200 MB), how time grows with the number of sections in one Markdown file, and what
parsing in parallel saves.

Everything is built in a temporary folder from a fixed seed (Markdown and text, PDFs made
with reportlab, DOCX zips, JPEG and PNG photos made with Pillow), and ``generate`` runs as a
separate process, so the memory measured is that process tree's: its peak resident set
(``RUSAGE_CHILDREN`` of a fresh measuring process, i.e. the largest single process) and the
peak of the whole tree's proportional set size (PSS: shared pages counted once) sampled
from ``/proc`` every 20 ms (the PDF and DOCX parsers run as children).

Printed, with baselines measured in the same run:
- mixed material, parsed serially (``KIRBYGEN_PARSE_WORKERS=1``) and with the default pool:
  seconds, peak RSS, and parallel / serial; the floor is reading every byte of the material.
  Goal: peak RSS under 500 MB.
- one Markdown file of N, 2N and 4N sections: seconds and the ratios to N (linear: ~2, ~4),
  with each phase's seconds when ``report.json`` has ``phases``.

Run: ``.venv/bin/python bench/material.py [--documents 500] [--megabytes 200]
[--sections 5000]``. Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/http.py would shadow the standard library's http package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from xml.sax.saxutils import escape  # noqa: E402

from PIL import Image  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

MIB = 1024 * 1024
WORDS = [
    *("clay", "glaze", "kiln", "timber", "light", "harbour", "studio", "table", "river"),
    *("stone", "linen", "brass", "porcelain", "garden", "window", "archive", "print"),
    *("paper", "colour", "autumn", "spring", "form", "line", "field", "room", "voice"),
]
KEYS = ("Year", "Client", "Role", "Materials", "Place", "Website")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


# --- material ---------------------------------------------------------------------------


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def value(rng: random.Random, key: str, n: int) -> str:
    if key == "Year":
        return str(1990 + n % 35)
    if key == "Website":
        return f"https://example.org/work-{n}"
    return " ".join(rng.choice(WORDS) for _ in range(2)).title()


def markdown_sections(rng: random.Random, sections: int, paragraphs: int = 1) -> str:
    out = ["# Work\n"]
    for n in range(sections):
        out.append(f"\n## {rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {n}\n\n")
        out.extend(sentence(rng) + "\n\n" for _ in range(paragraphs))
        out.extend(f"{key}: {value(rng, key, n)}\n" for key in KEYS[: 2 + n % 4])
    return "".join(out)


def single_markdown(rng: random.Random, n: int, photo: str) -> str:
    """One piece of work: a title, two paragraphs, its facts and a photo."""
    lines = [f"# {rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {n}", ""]
    lines += [sentence(rng, 30), "", sentence(rng, 40), ""]
    lines += [f"{key}: {value(rng, key, n)}" for key in KEYS[:4]]
    lines += ["", f"![{rng.choice(WORDS)} {rng.choice(WORDS)}](../photos/{photo})", ""]
    return "\n".join(lines)


def pdf_bytes(rng: random.Random, pages: int, n: int) -> bytes:
    """A catalogue of one piece of work: its facts on page one, then pages of prose."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    _, height = A4
    page.setTitle(f"{rng.choice(WORDS).title()} catalogue {n}")
    for number in range(pages):
        page.setFont("Helvetica", 10)
        y = height - 80
        if number == 0:
            for key in KEYS[:3]:
                page.drawString(60, y, f"{key}: {value(rng, key, n)}")
                y -= 16
            y -= 10
        while y > 60:
            page.drawString(60, y, sentence(rng, 12))
            y -= 14
        page.showPage()
    page.save()
    return buffer.getvalue()


def docx_bytes(rng: random.Random, paragraphs: int, n: int) -> bytes:
    """A letter: a title, paragraphs and a few ``Key: value`` lines."""

    def para(text: str, style: str = "") -> str:
        styled = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f'<w:p>{styled}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = [para(f"{rng.choice(WORDS).title()} letter {n}", "Heading1")]
    body.extend(para(f"{key}: {value(rng, key, n)}") for key in KEYS[:2])
    body.extend(para(sentence(rng, 30)) for _ in range(paragraphs))
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}">'
        f"<w:body>{''.join(body)}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def photo_bytes(rng: random.Random, width: int, height: int, image_format: str) -> bytes:
    """A tinted noise photo: noise so that it weighs what a real photo of its size does."""
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    tint = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    image = Image.blend(noise, tint, 0.6)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 92} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def build_mixed(root: Path, documents: int, megabytes: int, seed: int = 7) -> int:
    """``documents`` files, about 40 % Markdown/text, 20 % PDF, 20 % DOCX and 20 % photos,
    the photos sized so that the whole weighs about ``megabytes``. Files sit in folders by
    kind (``projects/``, ``writing/``, ``catalogues/``, ``letters/``, three long lists), as a
    person's material would, so the mapper finds a handful of entities. Returns the bytes
    written."""
    rng = random.Random(seed)
    photos = documents // 5
    pdfs = docxs = documents // 5
    texts = documents - photos - pdfs - docxs
    for folder in ("photos", "projects", "writing", "catalogues", "letters"):
        (root / folder).mkdir(parents=True)
    lists = ("exhibitions", "press", "awards")
    for name in lists:
        (root / f"{name}.md").write_text(markdown_sections(rng, 300), encoding="utf-8")
    for n in range(texts - len(lists)):
        if n % 3:
            shown = n % photos
            text = single_markdown(
                rng, n, f"photo-{shown:03d}.{'png' if shown % 5 == 0 else 'jpg'}"
            )
            (root / "projects" / f"project-{n:03d}.md").write_text(text, encoding="utf-8")
        else:
            text = "\n\n".join([f"Essay {n}", *(sentence(rng, 60) for _ in range(8))])
            (root / "writing" / f"essay-{n:03d}.txt").write_text(text, encoding="utf-8")
    for n in range(pdfs):
        data = pdf_bytes(rng, 2 + n % 6, n)
        (root / "catalogues" / f"catalogue-{n:03d}.pdf").write_bytes(data)
    for n in range(docxs):
        (root / "letters" / f"letter-{n:03d}.docx").write_bytes(docx_bytes(rng, 5 + n % 20, n))
    written = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    # Bytes a pixel of tinted noise weighs, first guessed, then learnt from each photo made.
    per_pixel = {"PNG": 3.0, "JPEG": 1.0}
    for n in range(photos):
        image_format = "PNG" if n % 5 == 0 else "JPEG"
        left = max(megabytes * MIB - written, (photos - n) * 100_000)
        pixels = left / (photos - n) / per_pixel[image_format]
        width = int((pixels * 1.5) ** 0.5)
        height = int(width / 1.5)
        data = photo_bytes(rng, width, height, image_format)
        per_pixel[image_format] = len(data) / (width * height)
        suffix = ".png" if image_format == "PNG" else ".jpg"
        (root / "photos" / f"photo-{n:03d}{suffix}").write_bytes(data)
        written += len(data)
    return written


def build_sections(root: Path, sections: int, seed: int = 11) -> None:
    root.mkdir(parents=True)
    text = markdown_sections(random.Random(seed), sections)
    (root / "work.md").write_text(text, encoding="utf-8")


# --- measuring --------------------------------------------------------------------------


def kirbygen_command() -> list[str]:
    script = Path(sys.executable).with_name("kirbygen")
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-c", "import sys; from entrypoints.cli import main; sys.exit(main())"]


def _proportional_bytes(pid: str, statm: str, page: int) -> int:
    """The process's proportional set size (its shared pages divided among their sharers,
    so a just-forked child does not count its parent's memory twice); RSS without smaps."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(statm.split()[1]) * page


def tree_rss(root_pid: int) -> int:
    """Memory of ``root_pid`` and every descendant (proportional set size), from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(statm.split()[1]) * page
    total, stack = 0, [root_pid]
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    while stack:
        pid = stack.pop()
        if pid in rss:
            statm = f"0 {rss[pid] // page}"
            total += _proportional_bytes(str(pid), statm, page)
        stack.extend(children.get(pid, ()))
    return total


def measure(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Runs ``args`` under a fresh measuring process (so RUSAGE_CHILDREN is this run's
    alone) while sampling the whole tree's RSS; seconds, peak RSS of one process and of the
    tree, in MB."""
    probe = subprocess.Popen(
        [sys.executable, __file__, "--measure", "--", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(probe.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = probe.communicate()
    done.set()
    sampler.join()
    if probe.returncode != 0:
        raise SystemExit(f"generate failed ({probe.returncode}):\n{err[-2000:]}")
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    figures["tree_mb"] = peak / MIB
    return figures


def measured_child(args: list[str]) -> None:
    started = time.perf_counter()
    completed = subprocess.run(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(completed.returncode)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "process_mb": peak_kb / 1024}))


def generate(material: Path, out: Path, **env_extra: str) -> tuple[dict[str, float], dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    env.pop("ANTHROPIC_API_KEY", None)
    figures = measure([*kirbygen_command(), "generate", str(material), "--out", str(out)], env)
    report = json.loads((out / ".kirbygen" / "report.json").read_text())
    return figures, report


def read_everything(material: Path) -> float:
    started = time.perf_counter()
    for path in sorted(material.rglob("*")):
        if path.is_file():
            path.read_bytes()
    return time.perf_counter() - started


def phases_of(report: dict) -> str:
    """Each phase's seconds and share, from ``report.json``'s ``phases`` when it has them
    (a list of ``{"name", "seconds"}``, or a mapping of phase to seconds)."""
    phases = report.get("phases")
    if isinstance(phases, list):
        phases = {
            str(p.get("name") or p.get("phase") or n): p
            for n, p in enumerate(phases)
            if isinstance(p, dict)
        }
    if not isinstance(phases, dict) or not phases:
        return ""
    seconds = {
        name: float(entry.get("seconds", 0) if isinstance(entry, dict) else entry)
        for name, entry in phases.items()
    }
    total = sum(seconds.values()) or 1.0
    return "  " + ", ".join(f"{k} {s:.1f}s ({s / total:.0%})" for k, s in seconds.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--sections", type=int, default=5000)
    parser.add_argument("--skip-mixed", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if not options.skip_mixed:
            mixed(base, options.documents, options.megabytes)
        if not options.skip_scaling:
            scaling(base, options.sections)


def mixed(base: Path, documents: int, megabytes: int) -> None:
    material = base / "mixed"
    started = time.perf_counter()
    size = build_mixed(material, documents, megabytes)
    print(
        f"mixed material: {documents} files, {size / MIB:.0f} MB "
        f"(built in {time.perf_counter() - started:.0f}s)"
    )
    floor = read_everything(material)
    print(f"  baseline: reading every byte {floor:.2f}s")
    runs: list[tuple[str, Callable[[], tuple[dict[str, float], dict]]]] = [
        ("serial", lambda: generate(material, base / "out-serial", KIRBYGEN_PARSE_WORKERS="1")),
        ("parallel", lambda: generate(material, base / "out-parallel")),
    ]
    results: dict[str, dict[str, float]] = {}
    for label, run in runs:
        figures, report = run()
        results[label] = figures
        print(
            f"  {label:<9}{figures['seconds']:>7.1f}s  peak RSS {figures['process_mb']:>5.0f} MB "
            f"(one process), {figures['tree_mb']:>5.0f} MB (tree, PSS)  goal < 500 MB  "
            f"items {report.get('items')}, rejected {len(report.get('rejected', []))}"
            + phases_of(report)
        )
    same = (base / "out-serial/.kirbygen/content.json").read_bytes() == (
        base / "out-parallel/.kirbygen/content.json"
    ).read_bytes()
    ratio = results["parallel"]["seconds"] / results["serial"]["seconds"]
    print(f"  parallel / serial time {ratio:.2f} (cpus {os.cpu_count()}); same content: {same}")


def scaling(base: Path, sections: int) -> None:
    print(f"one Markdown file, sections at 1x / 2x / 4x of {sections}")
    first = 0.0
    for factor in (1, 2, 4):
        count = sections * factor
        material = base / f"sections-{count}"
        build_sections(material, count)
        figures, report = generate(material, base / f"out-sections-{count}")
        first = first or figures["seconds"]
        size = (material / "work.md").stat().st_size / MIB
        print(
            f"  {count:>6} sections ({size:.1f} MB) {figures['seconds']:>7.1f}s  "
            f"x{figures['seconds'] / first:.2f} (linear: x{factor})  "
            f"peak {figures['process_mb']:.0f} MB" + phases_of(report)
        )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measured_child(sys.argv[3:])
    else:
        main()
