"""Compare what Kirby's parser reads from a site's content files with ``.kirbygen/content.json``.

``kirby_probe.php inspect`` gives each page's fields the way a template reads them (numbers as
floats, tags split, YAML parsed, files and pages resolved to file names and page UUIDs).
Each content item is matched to its page by UUID and every value is compared by the rules of
its generic field type. A value the adapter leaves out on purpose (a relation to an item that
does not exist, a structure key the schema does not know) is left out of the expectation too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.cms.kirby.naming import safe_filename, stable_uuid
from adapters.cms.kirby.txt import normalise_value  # Kirby reads a line "\\----" as "----"
from domain.content import StructuredContent
from domain.schema import ContentSchema, Field, FieldType
from domain.serialization import from_json

_TEXT_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.TEXTAREA,
        FieldType.CODE,
        FieldType.URL,
        FieldType.EMAIL,
        FieldType.TEL,
        FieldType.COLOR,
        FieldType.SELECT,
        FieldType.RADIO,
        FieldType.DATE,
        FieldType.TIME,
        FieldType.DATETIME,
    }
)
_MEDIA_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE, FieldType.GALLERY, FieldType.FILES})
_MISSING = object()


def load_generated(site: Path) -> tuple[ContentSchema, StructuredContent]:
    state = site / ".kirbygen"
    schema = from_json((state / "schema.json").read_bytes(), ContentSchema)
    content = from_json((state / "content.json").read_bytes(), StructuredContent)
    return schema, content


def unwrap_markdown(text: str) -> str:
    """Markdown with the soft line breaks of wrapped paragraphs joined (what both renderers
    show); the adapter may store either form."""
    return "\n\n".join(" ".join(p.split("\n")) for p in text.strip().split("\n\n"))


def field_mismatches(site: Path, inspection: Mapping[str, Any]) -> list[str]:
    """``page/field: expected … read …`` for every value Kirby reads differently."""
    schema, content = load_generated(site)
    pages = {page["uuid"]: page for page in inspection["pages"]}
    known_items = {item.id for item in content.items}
    mismatches: list[str] = []
    for item in content.items:
        page = pages.get(stable_uuid("page", item.id))
        entity = schema.entity(item.entity)
        if page is None or entity is None:
            mismatches.append(f"item {item.id}: no page in the site")
            continue
        if " ".join(page["title"].split()) != " ".join(item.title.split()):
            mismatches.append(f"{page['id']}: title {page['title']!r} != {item.title!r}")
        for field in entity.fields:
            if field.id not in item.fields or field.id in ("title", "uuid", "slug"):
                continue
            expected = _expected(field, item.fields[field.id], known_items)
            read = page["typed"].get(field.id, _MISSING) if page["typed"] else _MISSING
            if not _same(field, expected, read):
                mismatches.append(
                    f"{page['id']}/{field.id} ({field.type.value}): "
                    f"content.json {expected!r}, Kirby reads {read!r}"
                )
    return mismatches


def _expected(field: Field, value: object, known_items: set[str]) -> object:
    kind = field.type
    if kind in (FieldType.RELATION, FieldType.RELATIONS):
        ids = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        if kind is FieldType.RELATION:
            ids = ids[:1]
        return [stable_uuid("page", i) for i in ids if i in known_items]
    if kind in _MEDIA_TYPES:
        names = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        if kind in (FieldType.IMAGE, FieldType.FILE):
            names = names[:1]
        # A file listed twice is one file to Kirby (and to a gallery).
        return list(dict.fromkeys(safe_filename(n) for n in names))
    if kind is FieldType.STRUCTURE and isinstance(value, list):
        known = {nested.id for nested in field.options.fields}
        return [{k: v for k, v in row.items() if k in known} for row in value]
    return value


def _same(field: Field, expected: object, read: object) -> bool:
    kind = field.type
    if read is _MISSING:
        return False
    if kind in _TEXT_TYPES:
        return isinstance(read, str) and read == normalise_value(str(expected))
    if kind in (FieldType.RICHTEXT, FieldType.MARKDOWN):
        return isinstance(read, str) and unwrap_markdown(read) == unwrap_markdown(
            normalise_value(str(expected))
        )
    if kind in (FieldType.NUMBER, FieldType.RANGE):
        return isinstance(read, int | float) and math.isclose(float(read), float(expected))  # type: ignore[arg-type]
    if kind is FieldType.BOOLEAN:
        return read is expected
    if kind in (FieldType.MULTISELECT, FieldType.CHECKBOXES, FieldType.TAGS, FieldType.LIST):
        return read == list(expected)  # type: ignore[call-overload]
    if kind is FieldType.JSON:
        return isinstance(read, str) and json.loads(read) == expected
    if kind is FieldType.LOCATION:
        return isinstance(read, dict) and all(
            math.isclose(float(read[k]), float(expected[k]))
            for k in ("lat", "lng")  # type: ignore[index]
        )
    if kind is FieldType.BLOCKS:
        return isinstance(read, list) and [
            {"type": b["type"], "content": b["content"]} for b in read
        ] == [{"type": b["type"], "content": b.get("content", {})} for b in expected]  # type: ignore[attr-defined]
    if kind is FieldType.STRUCTURE:
        rows = list(expected)  # type: ignore[call-overload]
        return (
            isinstance(read, list)
            and len(read) == len(rows)
            and all(
                _same_in_row(nested, row.get(nested.id, _MISSING), got.get(nested.id, _MISSING))
                for row, got in zip(rows, read, strict=True)
                for nested in field.options.fields
            )
        )
    return read == expected


def _same_in_row(field: Field, expected: object, read: object) -> bool:
    """Structure rows are YAML parsed as a whole: scalars may come back as strings."""
    if expected is _MISSING:
        return read is _MISSING or read in ("", None, [])
    if field.type in _MEDIA_TYPES or field.type in (FieldType.RELATION, FieldType.RELATIONS):
        return read is not _MISSING  # resolved by Kirby only through the row's own methods
    if field.type is FieldType.BOOLEAN:
        return str(read).lower() == str(expected).lower()
    if field.type in _TEXT_TYPES or field.type in (FieldType.RICHTEXT, FieldType.MARKDOWN):
        return str(read).strip() == str(expected).strip()
    return _same(field, expected, read)
