"""Domain field values (shapes as documented in ``domain.content``) → Kirby content strings.

Each generic field type is stored the way the Kirby field it maps to (see ``fieldtypes``)
saves it, so the Panel opens generated content exactly as if an editor had typed it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from adapters.cms.kirby.naming import safe_filename, stable_block_id, unique_filename
from adapters.cms.kirby.yaml_text import dump_yaml
from domain.schema import Field, FieldType

PAGE_REFERENCE_PREFIX = "page://"

_PLAIN_TEXT_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.TEXTAREA,
        FieldType.RICHTEXT,
        FieldType.MARKDOWN,
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
_COMMA_LIST_TYPES = frozenset({FieldType.MULTISELECT, FieldType.CHECKBOXES, FieldType.TAGS})
_SINGLE_MEDIA_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE})


class PageFiles:
    """The media files one page owns: asset name → file name beside the page, and template.

    A file keeps the template of the first field that referenced it; two assets whose safe
    names collide on the same page get numbered names.
    """

    def __init__(self) -> None:
        self._filenames: dict[str, str] = {}
        self._templates: dict[str, str | None] = {}
        self._taken: set[str] = set()

    def add(self, asset_name: str, template: str | None) -> str:
        if asset_name not in self._filenames:
            filename = unique_filename(safe_filename(asset_name), self._taken)
            self._filenames[asset_name] = filename
            self._templates[asset_name] = template
        return self._filenames[asset_name]

    def entries(self) -> list[tuple[str, str, str | None]]:
        """``(asset name, file name, template)`` in the order the files were referenced."""
        return [
            (name, filename, self._templates[name]) for name, filename in self._filenames.items()
        ]


class ValueEncoder:
    """Encodes the field values of one page.

    ``page_uuids`` maps every content item id to its page UUID (for relations);
    ``upload_templates`` maps a media field path (``cover``, ``team.photo``) to the file
    template its files get.
    """

    def __init__(
        self,
        item_id: str,
        page_uuids: Mapping[str, str],
        upload_templates: Mapping[str, str | None],
        files: PageFiles,
    ) -> None:
        self._item_id = item_id
        self._page_uuids = page_uuids
        self._upload_templates = upload_templates
        self.files = files

    def content_value(self, field: Field, value: object) -> str | None:
        """The text stored under the field's key, or None when the value has no usable shape."""
        return self._content_value(field, value, field.id)

    def _content_value(self, field: Field, value: object, path: str) -> str | None:
        if field.type in (FieldType.NUMBER, FieldType.RANGE):
            return _number_text(value)
        data = self._data(field, value, path)
        if data is None or isinstance(data, str):
            return data
        # Lists and maps are stored as YAML. An empty list is an empty field to Kirby, and
        # "[]" would only be noise in the file.
        return "" if data == [] else dump_yaml(data)

    def _data(self, field: Field, value: object, path: str) -> Any:
        """The value as Kirby's field saves it: a string, or data that is stored as YAML.

        The same shapes are used inside structure rows, where Kirby keeps nested values as
        YAML data (numbers stay numbers there).
        """
        kind = field.type
        if kind in (FieldType.RICHTEXT, FieldType.MARKDOWN):
            text = _text(value)
            return None if text is None else join_soft_breaks(text)
        if kind in _PLAIN_TEXT_TYPES:
            return _text(value)
        if kind in (FieldType.NUMBER, FieldType.RANGE):
            return _number(value)
        if kind is FieldType.BOOLEAN:
            flag = _boolean(value)
            # Kirby's toggle saves the strings "true"/"false", also inside structures.
            return None if flag is None else ("true" if flag else "false")
        if kind in _COMMA_LIST_TYPES:
            items = _strings(value)
            return None if items is None else ", ".join(items)
        if kind is FieldType.LIST:
            return _strings(value)
        if kind in _SINGLE_MEDIA_TYPES or kind in (FieldType.GALLERY, FieldType.FILES):
            names = _strings(value)
            if names is None:
                return None
            if kind in _SINGLE_MEDIA_TYPES:
                names = names[:1]
            template = self._upload_templates.get(path)
            return [self.files.add(name, template) for name in names]
        if kind in (FieldType.RELATION, FieldType.RELATIONS):
            return self._page_references(field, value)
        if kind is FieldType.LOCATION:
            return _location(value)
        if kind is FieldType.STRUCTURE:
            return self._structure(field, value, path)
        if kind is FieldType.BLOCKS:
            # Kirby's blocks field saves compact JSON.
            blocks = self._blocks(value, path)
            return None if blocks is None else _json_text(blocks, compact=True)
        if kind is FieldType.JSON:
            return _json_text(value)
        return None

    def _page_references(self, field: Field, value: object) -> list[str] | None:
        ids = _strings(value)
        if ids is None:
            return None
        if field.type is FieldType.RELATION:
            ids = ids[:1]
        # An id that names no content item has no page to point to; it is left out rather
        # than written as a reference that can never resolve.
        return [
            f"{PAGE_REFERENCE_PREFIX}{self._page_uuids[item_id]}"
            for item_id in ids
            if item_id in self._page_uuids
        ]

    def _structure(self, field: Field, value: object, path: str) -> list[dict[str, Any]] | None:
        if not isinstance(value, list):
            return None
        rows: list[dict[str, Any]] = []
        for row in value:
            if not isinstance(row, Mapping):
                continue
            encoded: dict[str, Any] = {}
            # Nested fields in schema order; keys the schema does not know are dropped
            # because the blueprint would have no field to edit them.
            for nested in field.options.fields:
                if nested.id in row:
                    data = self._data(nested, row[nested.id], f"{path}.{nested.id}")
                    if data is not None:
                        encoded[nested.id] = data
            rows.append(encoded)
        return rows

    def _blocks(self, value: object, path: str) -> list[dict[str, Any]] | None:
        if not isinstance(value, list):
            return None
        blocks: list[dict[str, Any]] = []
        for index, block in enumerate(value):
            if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
                continue
            content = block.get("content")
            blocks.append(
                {
                    "content": dict(content) if isinstance(content, Mapping) else {},
                    "id": stable_block_id(self._item_id, path, str(index)),
                    "isHidden": False,
                    "type": block["type"],
                }
            )
        return blocks


# A line that starts a Markdown block of its own (or is part of one): never joined.
_BLOCK_START = re.compile(r"^(?:\s{4}|\t|#|>|[-*+]\s|\d+[.)]\s|\||```|~~~|<|=+\s*$|-+\s*$)")


def join_soft_breaks(markdown: str) -> str:
    """Markdown with the line breaks inside paragraphs (where the source text was wrapped)
    replaced by spaces: the Panel's editor then shows paragraphs, and both renderers show
    the same text. Lists, headings, quotes, tables, code and hard breaks stay as they are."""
    lines = markdown.split("\n")
    out: list[str] = []
    fenced = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
            continue
        previous = out[-1] if out else ""
        joinable = (
            not fenced
            and stripped
            and previous.strip()
            and not _BLOCK_START.match(line)
            and not _BLOCK_START.match(previous)
            and not previous.endswith(("  ", "\\"))
        )
        if joinable:
            out[-1] = f"{previous.rstrip()} {line.lstrip()}"
        else:
            out.append(line)
    return "\n".join(out)


def _json_text(value: object, *, compact: bool = False) -> str | None:
    try:
        if compact:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _number_text(value)
    return None


def _number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        if not math.isfinite(parsed):
            return None
        return int(parsed) if parsed.is_integer() and "." not in value else parsed
    return None


def _number_text(value: object) -> str | None:
    number = _number(value)
    if number is None:
        return None
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def _boolean(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _strings(value: object) -> list[str] | None:
    """A list of strings from a list (non-strings dropped) or from one string."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return None


def _location(value: object) -> dict[str, float] | None:
    if not isinstance(value, Mapping):
        return None
    lat, lng = _number(value.get("lat")), _number(value.get("lng"))
    if lat is None or lng is None:
        return None
    return {"lat": float(lat), "lng": float(lng)}
