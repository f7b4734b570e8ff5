"""Generated sites shared by the real-Kirby tests (each made and judged once per session).

To judge another site: ``judged(site_dir)`` in a test (it needs Kirby's core, see
``tests.support.real_kirby``), or add a material folder under ``tests/fixtures/`` named
``corpus*``: every such folder is generated and judged like the example material.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from adapters.cms.kirby import KirbyAdapter
from adapters.cms.kirby.merge import KirbyContentMerger
from adapters.local.site_output import LocalSiteOutput
from application.hand_edits import KeepHandEdits
from domain.serialization import to_json
from domain.site import MediaAsset, SiteFile, SiteSpec
from tests.e2e.conftest import EXAMPLE, ROOT, run_kirbygen
from tests.support.real_kirby import Verdict, judge_site, require_real_kirby
from tests.unit.kirby.conftest import all_types_site

FIXTURES = ROOT / "tests" / "fixtures"
OWNER = "Mara Lindqvist"


def material_corpora() -> list[Path]:
    """Material folders other tests keep under ``tests/fixtures/corpus*``: each folder inside
    one (``corpus/architect/``), or the folder itself when it holds only files."""
    found: list[Path] = []
    for corpus in sorted(p for p in FIXTURES.glob("corpus*") if p.is_dir()):
        inner = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith("."))
        # A corpus may keep its material beside what it expects (corpus/x/material/).
        found.extend(p / "material" if (p / "material").is_dir() else p for p in inner or [corpus])
    return found


def generate(material: Path, out: Path, *extra: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run_kirbygen("generate", material, "--out", out, *extra, cwd=out.parent)
    assert result.returncode == 0, result.stderr
    return out


def real_image(name: str, colour: tuple[int, int, int], kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format=kind)
    return buffer.getvalue()


def all_types_spec() -> SiteSpec:
    """The all-31-types site with real image bytes (Kirby's Panel decodes them)."""
    spec = all_types_site()
    media = []
    for index, asset in enumerate(spec.media):
        data = asset.data
        if asset.media_type in ("image/png", "image/jpeg"):
            kind = "PNG" if asset.media_type == "image/png" else "JPEG"
            data = real_image(asset.name, (40 * index % 255, 90, 160), kind)
        media.append(MediaAsset(name=asset.name, data=data, media_type=asset.media_type))
    return SiteSpec(
        title=spec.title,
        schema=spec.schema,
        content=spec.content,
        design=spec.design,
        media=tuple(media),
    )


def write_spec(spec: SiteSpec, root: Path) -> Path:
    """Generate ``spec`` into ``root`` as the pipeline does: hand edits kept, artefacts beside."""
    files = KirbyAdapter().build(spec)
    output = LocalSiteOutput()
    prepared = KeepHandEdits(KirbyContentMerger(), output)(root, files)
    artefacts = [
        SiteFile(".kirbygen/schema.json", to_json(spec.schema).encode()),
        SiteFile(".kirbygen/content.json", to_json(spec.content).encode()),
    ]
    output.write(root, [*prepared.files, *artefacts])
    return root


HOSTILE_NOTES = """---
title: Notes & <Sketches>
---

# Notes & <Sketches>

A paragraph with <script>alert("x")</script> inside, &amp; an entity, and a <b>bold</b> tag.

----

Key: a line that looks like a field
Year: 2024
Price: 48.5

Ünïcode “quotes” — and a [link](javascript:alert(1)).
"""


def hostile_material(folder: Path) -> Path:
    """A batch of awkward but small material: markup in text, a bad image, an unsafe SVG."""
    folder.mkdir(parents=True)
    (folder / "notes.md").write_text(HOSTILE_NOTES, encoding="utf-8")
    (folder / "about.md").write_text(
        "# About <me>\n\nI make things &amp; break them.\n\nBased in: Zürich\n", encoding="utf-8"
    )
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (folder / "script.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(real_image("photo.jpg", (200, 120, 40), "JPEG"))
    return folder


@pytest.fixture(scope="session")
def kirby_core() -> Path:
    return require_real_kirby()


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example material as a Kirby site (``site/``) and its static export (``public/``)."""
    root = tmp_path_factory.mktemp("example")
    return generate(EXAMPLE, root / "site", "--static-out", root / "public", "--name", OWNER)


@pytest.fixture(scope="session")
def all_types_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(all_types_spec(), tmp_path_factory.mktemp("all-types") / "site")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    return generate(hostile_material(root / "material"), root / "site", "--name", "<Hostile> & Co")


@pytest.fixture(scope="session")
def judged(kirby_core: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Verdict]:
    """Judge a site with real Kirby once; later calls for the same folder reuse the verdict."""
    verdicts: dict[Path, Verdict] = {}

    def judge(site: Path) -> Verdict:
        if site not in verdicts:
            verdicts[site] = judge_site(site, tmp_path_factory.mktemp("real-kirby"))
        return verdicts[site]

    return judge
