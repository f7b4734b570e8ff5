"""`kirbygen generate` end to end on the example material, through the real command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adapters.cms.kirby.check import KirbySiteChecker
from adapters.cms.kirby.txt import decode
from domain.content import StructuredContent
from domain.issues import Severity
from domain.serialization import from_json
from tests.e2e.conftest import EXAMPLE, Kirbygen

pytestmark = pytest.mark.slow

EXPECTED_TITLES = {
    "Ash Glaze Tableware",
    "Harbour Lamps",
    "Open Studio Cups",
    "Why Ash Glazes Never Repeat",
    "Designing for the Dishwasher",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.e2e.conftest import run_kirbygen

    work = tmp_path_factory.mktemp("generated")
    result = run_kirbygen(
        "generate",
        EXAMPLE,
        "--out",
        work / "site",
        "--name",
        "Mara Lindqvist",
        "--brand-color",
        "#b4532a",
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert "Generated 'Mara Lindqvist'" in result.stdout
    return work / "site"


def content_pages(site: Path) -> dict[Path, dict[str, str]]:
    return {
        path: decode(path.read_text(encoding="utf-8"))
        for path in sorted((site / "content").rglob("*.txt"))
        if "." not in path.name.removesuffix(".txt")
    }


def test_the_generated_site_passes_every_kirby_check(generated: Path) -> None:
    issues = KirbySiteChecker().check(generated)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    for artefact in ("schema.json", "content.json", "tokens.json", "report.json"):
        assert (generated / ".kirbygen" / artefact).is_file()


def test_every_item_of_the_material_is_a_page_with_its_fields_filled(generated: Path) -> None:
    pages = content_pages(generated)
    titles = {fields.get("title") for fields in pages.values()}
    assert titles >= EXPECTED_TITLES
    content = from_json((generated / ".kirbygen" / "content.json").read_text(), StructuredContent)
    assert {i.title for i in content.items} >= EXPECTED_TITLES
    by_title = {fields.get("title"): fields for fields in pages.values()}
    for item in content.items:
        page = by_title[item.title]
        assert item.fields, f"{item.title} has no fields"
        for field_id in item.fields:
            assert page.get(field_id, "").strip(), f"{item.title}: {field_id} is empty on its page"


def value_snippet(value: object) -> str:
    if isinstance(value, list):
        return value_snippet(value[0])
    if isinstance(value, dict):
        return value_snippet(next(iter(value.values())))
    if isinstance(value, bool):
        return ""
    text = str(value).strip().splitlines()[0]
    return text[:24]


def test_provenance_names_the_source_file_and_line_of_every_value(generated: Path) -> None:
    content = from_json((generated / ".kirbygen" / "content.json").read_text(), StructuredContent)
    for item in content.items:
        assert set(item.fields) <= set(item.provenance), item.title
        for field_id, origin in item.provenance.items():
            value = item.title if field_id == "title" else item.fields[field_id]
            source = EXAMPLE / origin.document
            assert source.is_file(), f"{item.title}.{field_id}: {origin.document}"
            lines = source.read_text(encoding="utf-8").splitlines()
            assert origin.locator.line is not None
            first = origin.locator.line
            last = origin.locator.end_line or first
            span = "\n".join(lines[first - 1 : last])
            assert value_snippet(value) in span, (item.title, field_id, span)


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


REPORT = ".kirbygen/report.json"


def test_regenerating_unchanged_material_changes_no_file_but_the_run_s_timings(
    tmp_path: Path, kirbygen: Kirbygen
) -> None:
    args = ("generate", EXAMPLE, "--out", tmp_path / "site", "--name", "Mara Lindqvist")
    assert kirbygen(*args).returncode == 0
    before = snapshot(tmp_path / "site")
    again = kirbygen(*args, "--json")
    assert again.returncode == 0, again.stderr
    after = snapshot(tmp_path / "site")
    old_report, new_report = before.pop(REPORT), after.pop(REPORT)
    assert after == before
    # The report is the same but for how long each phase took this time.
    assert {**json.loads(old_report[1]), "phases": []} == {
        **json.loads(new_report[1]),
        "phases": [],
    }
    outcome = json.loads(again.stdout)
    assert outcome["files"]["written"] == []
    assert outcome["reused_phases"] == ["ingest", "mapping", "structuring", "design"]
    phases = [(p["name"], p["reused"]) for p in outcome["report"]["phases"]]
    assert phases == [
        ("ingest", True),
        ("mapping", True),
        ("structuring", True),
        ("design", True),
        ("site", False),
    ]


def test_the_report_times_every_phase_in_order(tmp_path: Path, kirbygen: Kirbygen) -> None:
    site, static = tmp_path / "site", tmp_path / "static"
    result = kirbygen("generate", EXAMPLE, "--out", site, "--static-out", static)
    assert result.returncode == 0, result.stderr
    phases = json.loads((site / REPORT).read_text())["phases"]
    names = ["ingest", "mapping", "structuring", "design", "site", "static-export"]
    assert [p["name"] for p in phases] == names
    assert all(p["seconds"] >= 0 and p["reused"] is False for p in phases)
    summary = next(line for line in result.stdout.splitlines() if "phases   :" in line)
    assert all(f"{name} " in summary for name in names)
    assert "total" in summary


def test_bad_files_are_reported_and_the_rest_is_generated(
    tmp_path: Path, kirbygen: Kirbygen
) -> None:
    material = tmp_path / "material"
    shutil.copytree(EXAMPLE, material)
    (material / "scan.bin").write_bytes(bytes(range(256)) * 4)
    (material / "notes.md").write_bytes(b"# Notes\n\xff\xfe broken \x00 bytes\n")
    result = kirbygen("generate", material, "--out", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "scan.bin" in result.stdout and "notes.md" in result.stdout
    report = json.loads((tmp_path / "site" / ".kirbygen" / "report.json").read_text())
    rejected = {r["name"]: r for r in report["rejected"]}
    assert set(rejected) == {"scan.bin", "notes.md"}
    assert all(r["code"] == "unsupported_type" and r["reason"] for r in rejected.values())
    titles = {f.get("title") for f in content_pages(tmp_path / "site").values()}
    assert titles >= EXPECTED_TITLES


@pytest.mark.parametrize("case", ["missing", "empty"])
def test_missing_or_empty_source_exits_non_zero_with_one_line(
    case: str, tmp_path: Path, kirbygen: Kirbygen
) -> None:
    source = tmp_path / "material"
    if case == "empty":
        source.mkdir()
    result = kirbygen("generate", source, "--out", tmp_path / "site")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(source) in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_errors_of_a_broken_site(
    generated: Path, tmp_path: Path, kirbygen: Kirbygen
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(generated, broken)
    template = next((broken / "site" / "templates").glob("*.php"))
    template.write_text("<?php echo 'unterminated ;\n")
    result = kirbygen("check", broken)
    assert result.returncode == 1
    assert template.name in result.stdout
    assert kirbygen("check", generated).returncode == 0


def test_images_of_the_material_sit_beside_their_pages_with_their_alt_text(
    generated: Path,
) -> None:
    folder = next((generated / "content").glob("*_projects/*_harbour-lamps"))
    assert (folder / "harbour-lamps.jpg").read_bytes() == (
        EXAMPLE / "photos" / "harbour-lamps.jpg"
    ).read_bytes()
    meta = decode((folder / "harbour-lamps.jpg.txt").read_text(encoding="utf-8"))
    assert meta["alt"] == "A porcelain pendant lamp lit from inside"
    page = decode((folder / "project.txt").read_text(encoding="utf-8"))
    assert "harbour-lamps.jpg" in page["cover"]
