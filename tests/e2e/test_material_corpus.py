"""Real, messy material folders (``tests/fixtures/corpus/<kind>/material``) read end to end.

Each folder has an ``expected.json`` of facts a careful reader would take from it: the site's
title, the collections and their items, values, which file a page comes from, the encodings,
the notes ``report.json`` must hold. Beside those hand-written facts, one property is computed
from the material itself: every sentence and every `Key: value` value of every file is found in
the generated content or in ``report.json`` — nothing is lost without a trace.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from adapters.cms.kirby.check import KirbySiteChecker
from domain.issues import Severity
from tests.e2e.conftest import run_kirbygen

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
KINDS = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())


@pytest.fixture(scope="module", params=KINDS)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    kind = request.param
    work = tmp_path_factory.mktemp(kind)
    result = run_kirbygen("generate", CORPUS / kind / "material", "--out", work / "site", cwd=work)
    assert result.returncode == 0, result.stderr
    artefacts = work / "site" / ".kirbygen"
    return _Generated(
        kind=kind,
        site=work / "site",
        expected=json.loads((CORPUS / kind / "expected.json").read_text(encoding="utf-8")),
        schema=json.loads((artefacts / "schema.json").read_text(encoding="utf-8")),
        content=json.loads((artefacts / "content.json").read_text(encoding="utf-8")),
        report=json.loads((artefacts / "report.json").read_text(encoding="utf-8")),
    )


class _Generated:
    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)
        self.items = {item["id"]: item for item in self.content["items"]}


def test_the_site_is_titled_after_the_person_or_business_the_material_names(
    generated: Any,
) -> None:
    assert generated.report["name"] == generated.expected["site_title"]
    assert generated.schema["name"] == generated.expected["site_title"]
    folder_name = "Material"
    assert generated.report["name"] != folder_name
    best = generated.report["identity"]["candidates"][0]
    assert best["document"]  # the chosen name says where it was read


def test_the_generated_site_passes_the_kirby_checks(generated: Any) -> None:
    issues = KirbySiteChecker().check(generated.site)
    assert [i for i in issues if i.severity is Severity.ERROR] == []


def test_collections_hold_one_item_per_record_and_their_listing_text(generated: Any) -> None:
    entities = {e["id"]: e for e in generated.schema["entities"]}
    for entity_id, facts in generated.expected["entities"].items():
        entity = entities.get(entity_id)
        assert entity is not None, f"{generated.kind}: no entity {entity_id} in {list(entities)}"
        assert entity["kind"] == facts["kind"]
        titles = [i["title"] for i in generated.content["items"] if i["entity"] == entity_id]
        assert titles == facts["items"]
        if "label" in facts:
            assert entity["plural_name"] == facts["label"]
        for text in facts.get("intro_contains", []):
            assert _flat(text) in _flat(entity["description"])
        assert ".md" not in entity["description"] and "found in" not in entity["description"]


def test_values_are_read_and_typed(generated: Any) -> None:
    for item_id, fields in generated.expected.get("values", {}).items():
        item = generated.items.get(item_id)
        assert item is not None, f"{generated.kind}: no item {item_id} in {list(generated.items)}"
        for field, value in fields.items():
            assert item["fields"].get(field) == value, (item_id, field, item["fields"])
    for item_id, wanted in generated.expected.get("text_contains", {}).items():
        text = generated.items[item_id]["fields"].get("text", "")
        for piece in [wanted] if isinstance(wanted, str) else wanted:
            assert piece in text, (item_id, piece, text)


def test_headings_name_pages_and_provenance_names_the_file(generated: Any) -> None:
    by_title = {i["title"]: i for i in generated.content["items"]}
    for title, source in generated.expected.get("pages", {}).items():
        assert title in by_title, (title, list(by_title))
        assert by_title[title]["provenance"]["title"]["document"] == source


def test_encodings_are_detected_and_recorded(generated: Any) -> None:
    for document, encoding in generated.expected.get("encodings", {}).items():
        assert generated.report["encodings"][document] == encoding


def test_report_lists_each_coerced_or_left_out_value_with_file_and_line(generated: Any) -> None:
    notes = generated.report["values"]
    for wanted in generated.expected.get("notes", []):
        matching = [
            n
            for n in notes
            if all(n[k] == wanted[k] for k in ("document", "line", "field", "written", "action"))
        ]
        assert matching, (wanted, notes)
        assert wanted.get("reason_contains", "") in matching[0]["reason"]
    for note in notes:
        assert note["document"] and note["line"], note
    for wanted in generated.expected.get("set_aside", []):
        assert any(
            all(a.get(k) == v for k, v in wanted.items()) for a in generated.report["set_aside"]
        ), (wanted, generated.report["set_aside"])


def test_visitors_never_read_file_names_or_page_chrome(generated: Any) -> None:
    shown = _flat(" ".join(_strings([generated.content, generated.schema["entities"]])))
    for text in generated.expected.get("not_in_content", []):
        assert _flat(text) not in shown
    assert "found in" not in shown


def test_nothing_in_the_material_is_lost(generated: Any) -> None:
    """Every sentence and `Key: value` value of the material is in the content, the schema's
    listing texts or report.json."""
    haystack = _flat(" ".join(_strings([generated.content, generated.schema, generated.report])))
    material = CORPUS / generated.kind / "material"
    units = [
        (path.relative_to(material), unit)
        for path in sorted(material.rglob("*"))
        if path.is_file()
        for unit in _units(path)
    ]
    assert len(units) > 10  # the property is checked on real text, not on nothing
    missing = [f"{path}: {unit}" for path, unit in units if _flat(unit) not in haystack]
    assert missing == []


# --- the material's text, read independently of the parsers under test ------------------------

_KEY_VALUE = re.compile(r"^\**[A-Za-zÀ-ÿ][\w \-]{0,40}\**:\**\s+(\S.*)$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Þ\[])")
_MARKUP = re.compile(r"[#*_`>|\\]")
_RULE = re.compile(r"^[\s=\-_*|:]*$")


def _units(path: Path) -> Iterator[str]:
    """The sentences and values of one file."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".jpg", ".png"):
        return
    if suffix == ".pdf":
        text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    elif suffix == ".html":
        text = _html_text(_decode(data))
    elif suffix == ".json":
        text = "\n".join(_strings(json.loads(_decode(data))))
    else:
        text = _decode(data)
    for raw in text.splitlines():
        line = raw.strip().lstrip("-*+> ").strip()
        if _RULE.match(line):
            continue
        if line.startswith("|"):
            yield from (cell for cell in line.strip("|").split("|") if cell.strip())
            continue
        pair = _KEY_VALUE.match(line)
        if pair is not None and "://" not in line.split(":", 1)[0]:
            yield pair.group(1)
            continue
        yield from (s for s in _SENTENCE.split(line) if len(s.strip()) > 1)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts.append("\n")
        title = dict(attrs).get("title")
        if tag == "img" and title:
            self.parts.append(f"\n{title}\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_text(html: str) -> str:
    reader = _TextOf()
    reader.feed(html)
    return "".join(reader.parts)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            yield ", ".join(value)  # a tag list, as it was written
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value)


def _flat(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).casefold().split())
