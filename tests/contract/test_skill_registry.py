"""The skill port (``SkillRegistry``): in-process plugins and the skills service over HTTP
(a real `kirbygen skills-api` on loopback) give the pipeline the same skills and the same
answers — documents, refusals, schema, content and design — for the same material."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.skills_http.client import SkillsClient
from adapters.skills_http.registry import HttpSkillRegistry
from application.ingest import ingest
from application.pipeline import skill_identity
from domain.design import BrandInputs, ImageSample
from domain.documents import IngestLimits, IngestResult, SourceFile
from domain.ports import SkillRegistry
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.support.skills_service import SkillsService, skills_service
from tests.unit.plugins.sample_files import png_header_only

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "material"
LIMITS = IngestLimits()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SkillsService]:
    with skills_service(tmp_path_factory.mktemp("skills-api") / "skills-api.log") as running:
        yield running


@pytest.fixture(params=["inprocess", "http"])
def registry(request: pytest.FixtureRequest) -> Iterator[SkillRegistry]:
    if request.param == "inprocess":
        yield PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
        return
    service: SkillsService = request.getfixturevalue("service")
    client = SkillsClient(service.settings())
    try:
        yield HttpSkillRegistry(client)
    finally:
        client.close()


def _reference() -> PluginSkillRegistry:
    return PluginSkillRegistry(build_plugin_manager(load_entry_points=False))


def _material() -> list[SourceFile]:
    files = [
        SourceFile(str(path.relative_to(EXAMPLE)), path.read_bytes())
        for path in sorted(EXAMPLE.rglob("*"))
        if path.is_file()
    ]
    hostile = [
        SourceFile("huge.png", png_header_only(100_000, 100_000)),  # over max_image_pixels
        SourceFile("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n"),  # no xref
        # Two files for child-process parsers: ingest parses them at once, from two threads.
        SourceFile("cut.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n2 0 obj\n<<"),
        SourceFile("noise.md", bytes(range(256)) * 8),  # text by name, binary by bytes
        SourceFile("data.bin", b"\x00\x01\x02 plain bytes"),
    ]
    return files + hostile


def _ingest(registry: SkillRegistry) -> IngestResult:
    return ingest(_material(), registry.parsers(), limits=LIMITS)


def test_the_same_skills_fill_the_same_slots(registry: SkillRegistry) -> None:
    reference = _reference()
    assert [skill_identity(p) for p in registry.parsers()] == [
        skill_identity(p) for p in reference.parsers()
    ]
    assert [p.media_types for p in registry.parsers()] == [
        p.media_types for p in reference.parsers()
    ]
    # PDF and DOCX parse in children: ingest sends several such files at once either way.
    assert [getattr(p, "runs_in_child", False) for p in registry.parsers()] == [
        getattr(p, "runs_in_child", False) for p in reference.parsers()
    ]
    for slot in ("mapper", "structurer", "designer"):
        assert skill_identity(getattr(registry, slot)()) == skill_identity(
            getattr(reference, slot)()
        )
    assert registry.conversation() is None  # offline: the guided questionnaire


def test_ingest_reads_and_refuses_the_same_files(registry: SkillRegistry) -> None:
    result = _ingest(registry)
    assert result == _ingest(_reference())
    refused = {r.name: r.code.value for r in result.rejected}
    assert refused["huge.png"] == "limit_exceeded"
    assert refused["broken.pdf"] in ("parse_error", "unreadable")
    assert set(refused) >= {"huge.png", "broken.pdf", "cut.pdf", "noise.md", "data.bin"}
    assert len(result.text_documents) == 4


def test_mapping_structuring_and_design_answer_the_same(registry: SkillRegistry) -> None:
    reference = _reference()
    documents = _ingest(reference).documents
    schema = registry.mapper().map(documents, None, "")
    assert schema == reference.mapper().map(documents, None, "")
    assert registry.structurer().structure(documents, schema) == reference.structurer().structure(
        documents, schema
    )
    images = [
        ImageSample(path.name, "photo", path.read_bytes())
        for path in sorted((EXAMPLE / "photos").iterdir())
    ]
    brand = BrandInputs(colors=("#1f6feb",), font="Inter")
    designed = registry.designer().design(brand, images)
    assert designed == reference.designer().design(brand, images)
    assert designed.tokens["color"]
