"""Model calls and tokens per generated site, with the Claude skills against the fake
Anthropic API on loopback (no network, nothing spent).

Run: ``.venv/bin/python bench/llm.py`` (prints figures; not a pass/fail test). For the
example material, and the same material copied to 24 documents, it prints the calls per
phase, input / output / cached tokens, and two ratios against baselines measured in the
same run: calls against one call per document (what batching saves), and billed input
against the same tokens without prompt caching (what the cache saves, at list prices).
The goal it holds: at most one call per phase plus one per 8 documents, and every call
after the first reading the system prompt and toolbox from the cache.
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/http.py would shadow the standard library's http package the SDK imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from adapters.local.material import MaterialLimits, read_material  # noqa: E402
from adapters.local.storage import LocalStorage  # noqa: E402
from application.pipeline import PipelineInput  # noqa: E402
from config.container import build_container  # noqa: E402
from config.settings import AppEnv, ClaudeSettings, Settings, SkillsMode  # noqa: E402
from domain.project import TokenUsage  # noqa: E402
from entrypoints.terminal import SilentProgress  # noqa: E402
from tests.fakes.anthropic_server import VALID_KEY, FakeAnthropic  # noqa: E402
from tests.fakes.claude_responder import MaterialResponder  # noqa: E402

EXAMPLE = ROOT / "examples" / "material"
MODEL_PHASES = ("mapping", "structuring", "design")
BATCH = 8


def copies(target: Path, times: int) -> Path:
    """The example's documents ``times`` over (renamed), with its photos once."""
    shutil.copytree(EXAMPLE / "photos", target / "photos")
    for n in range(times):
        for doc in EXAMPLE.iterdir():
            if doc.is_file():
                (target / f"{doc.stem}-{n + 1}{doc.suffix}").write_bytes(doc.read_bytes())
    return target


def generate(
    material: Path, work: Path, per_call: int
) -> tuple[TokenUsage, Counter[str], bool, int]:
    limits = MaterialLimits(max_file_bytes=50_000_000, max_files=500)
    found = read_material(material, limits)
    plain = Settings(
        app_env=AppEnv.TEST,
        data_dir=work / "data",
        skills=SkillsMode.OFFLINE,
        load_entry_points=False,
    )
    offline = build_container(plain)
    skills = offline.skills()
    from application.ingest import ingest

    documents = ingest(found.sources, skills.parsers()).documents
    schema = skills.mapper().map(documents, None, "Bench")
    content = skills.structurer().structure(documents, schema)
    fake = FakeAnthropic(responder=MaterialResponder(schema, content))
    with fake.serve() as url:
        claude = ClaudeSettings(api_key=VALID_KEY, base_url=url, documents_per_call=per_call)
        settings = Settings(app_env=AppEnv.TEST, data_dir=work / "data", skills=SkillsMode.CLAUDE,
                            claude=claude, load_entry_points=False)  # fmt: skip
        container = build_container(settings)
        try:
            request = PipelineInput(name="Bench", sources=found.sources)
            outcome = container.generate_site()(
                request,
                work / "site",
                checkpoints=LocalStorage(work / "cache"),
                progress=SilentProgress(),
            )
        finally:
            container.shutdown_resources()
    calls = Counter(r.tool or "" for r in fake.received)
    cached_after_first = all(u["cache_read_input_tokens"] > 0 for u in fake.usages[1:])
    texts = sum(1 for d in documents if not d.media_type.startswith("image/"))
    return outcome.report.usage, calls, cached_after_first, texts


def billed_input(usage: TokenUsage, cached: bool) -> float:
    """Input cost at Sonnet list prices (USD per million tokens: 3, write 3.75, read 0.3)."""
    if not cached:
        total = usage.input_tokens + usage.cache_read_input_tokens
        return (total + usage.cache_creation_input_tokens) * 3.0
    return (
        usage.input_tokens * 3.0
        + usage.cache_creation_input_tokens * 3.75
        + usage.cache_read_input_tokens * 0.3
    )


def main() -> None:
    print(
        f"{'material':<14}{'docs':>5}{'calls':>7}{'goal':>6}{'in':>8}{'out':>7}"
        f"{'cache rd':>10}{'cache wr':>10}{'vs 1/doc':>10}{'cache saves':>13}  calls by tool"
    )
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for label, material in (("example", EXAMPLE), ("example x6", copies(base / "x6", 6))):
            work = base / label.replace(" ", "-")
            usage, calls, cached, docs = generate(material, work / "batched", BATCH)
            single, _, _, _ = generate(material, work / "single", 1)
            goal = len(MODEL_PHASES) + math.ceil(docs / BATCH)
            ratio = usage.calls / single.calls
            saves = 1 - billed_input(usage, True) / billed_input(usage, False)
            by_tool = ", ".join(f"{tool} {n}" for tool, n in sorted(calls.items()))
            print(
                f"{label:<14}{docs:>5}{usage.calls:>7}{goal:>6}{usage.input_tokens:>8}"
                f"{usage.output_tokens:>7}{usage.cache_read_input_tokens:>10}"
                f"{usage.cache_creation_input_tokens:>10}{ratio:>10.2f}{saves:>12.0%}  {by_tool}"
            )
            held = usage.calls <= goal and cached
            print(f"{'':<14}goal (<= 1 call per phase + 1 per {BATCH} documents, system prompt "
                  f"cached after the first call): {'held' if held else 'MISSED'}; "
                  f"one call per document would make {single.calls}")  # fmt: skip


if __name__ == "__main__":
    main()
