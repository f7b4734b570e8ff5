"""Generic field types → Kirby 5 core blueprint fields (only core types, see ``kirby_types``).

The stored value of each mapping matches what ``values`` writes, so a generated content file
opens in the Panel without changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.schema import Field, FieldType, Width

# Generic type → Kirby core field type. The options that make the mapping faithful (max: 1,
# font, time …) are added by `blueprint_field`.
KIRBY_FIELD_TYPE: Mapping[FieldType, str] = {
    FieldType.TEXT: "text",
    FieldType.TEXTAREA: "textarea",
    FieldType.RICHTEXT: "textarea",
    FieldType.MARKDOWN: "textarea",
    FieldType.CODE: "textarea",
    FieldType.NUMBER: "number",
    FieldType.RANGE: "range",
    FieldType.BOOLEAN: "toggle",
    FieldType.SELECT: "select",
    FieldType.MULTISELECT: "multiselect",
    FieldType.RADIO: "radio",
    FieldType.CHECKBOXES: "checkboxes",
    FieldType.DATE: "date",
    FieldType.TIME: "time",
    FieldType.DATETIME: "date",
    FieldType.IMAGE: "files",
    FieldType.FILE: "files",
    FieldType.GALLERY: "files",
    FieldType.FILES: "files",
    FieldType.LIST: "entries",
    FieldType.STRUCTURE: "structure",
    FieldType.BLOCKS: "blocks",
    FieldType.JSON: "textarea",
    FieldType.RELATION: "pages",
    FieldType.RELATIONS: "pages",
    FieldType.URL: "url",
    FieldType.EMAIL: "email",
    FieldType.TEL: "tel",
    FieldType.COLOR: "color",
    FieldType.LOCATION: "object",
    FieldType.TAGS: "tags",
}

# Kirby fields that take `pattern` (the text field and the ones built on it).
_PATTERN_TYPES = frozenset({FieldType.TEXT, FieldType.URL, FieldType.EMAIL, FieldType.TEL})
_LENGTH_TYPES = _PATTERN_TYPES | frozenset(
    {FieldType.TEXTAREA, FieldType.RICHTEXT, FieldType.MARKDOWN, FieldType.CODE}
)
_COUNT_TYPES = frozenset(
    {
        FieldType.MULTISELECT,
        FieldType.CHECKBOXES,
        FieldType.TAGS,
        FieldType.LIST,
        FieldType.STRUCTURE,
    }
)


# Given a relation's target entity id, the Kirby query listing the pages it may point to.
RelationQuery = Callable[[str], str | None]


def blueprint_field(
    field: Field,
    relation_query: RelationQuery,
    upload_templates: Mapping[str, str | None],
    path: str = "",
) -> dict[str, Any]:
    """The blueprint definition of one field (``path`` locates nested structure fields)."""
    path = f"{path}{field.id}"
    kind = field.type
    definition: dict[str, Any] = {"label": field.label, "type": KIRBY_FIELD_TYPE[kind]}
    if field.required:
        definition["required"] = True
    if field.width is not Width.FULL:
        definition["width"] = field.width.value
    if field.help:
        definition["help"] = field.help
    definition.update(_length_options(field))
    definition.update(_number_options(field))
    if field.options.choices:
        definition["options"] = {c.value: c.label for c in field.options.choices}
        if kind is FieldType.TAGS:
            # Without this, tags would accept free text next to the offered choices.
            definition["accept"] = "options"
    definition.update(_TYPE_OPTIONS.get(kind, _no_options)(field))
    if kind in (FieldType.IMAGE, FieldType.FILE, FieldType.GALLERY, FieldType.FILES):
        definition.update(_media_options(field, upload_templates.get(path)))
    elif kind in (FieldType.RELATION, FieldType.RELATIONS):
        target = field.options.target_entity
        query = relation_query(target) if target else None
        if query:
            definition["query"] = query
    elif kind is FieldType.STRUCTURE:
        definition["fields"] = {
            nested.id: blueprint_field(nested, relation_query, upload_templates, f"{path}.")
            for nested in field.options.fields
        }
    return definition


def _length_options(field: Field) -> dict[str, Any]:
    if field.type not in _LENGTH_TYPES:
        return {}
    opts = field.options
    found: dict[str, Any] = {}
    if opts.min_length is not None:
        found["minlength"] = opts.min_length
    if opts.max_length is not None:
        found["maxlength"] = opts.max_length
    if opts.pattern is not None and field.type in _PATTERN_TYPES:
        found["pattern"] = opts.pattern
    return found


def _number_options(field: Field) -> dict[str, Any]:
    opts = field.options
    found: dict[str, Any] = {}
    if field.type in (FieldType.NUMBER, FieldType.RANGE):
        for name in ("min", "max", "step"):
            value = getattr(opts, name)
            if value is not None:
                found[name] = _plain_number(value)
        if field.type is FieldType.NUMBER and opts.step is None:
            # Without a step the Panel accepts whole numbers only and marks 48.5 invalid.
            found["step"] = "any"
    elif field.type in _COUNT_TYPES:
        # For list-like fields min/max count entries, which Kirby wants as integers.
        if opts.min is not None:
            found["min"] = int(opts.min)
        if opts.max is not None:
            found["max"] = int(opts.max)
    return found


def _media_options(field: Field, upload_template: str | None) -> dict[str, Any]:
    single = field.type in (FieldType.IMAGE, FieldType.FILE)
    images = field.type in (FieldType.IMAGE, FieldType.GALLERY)
    found: dict[str, Any] = {"query": "page.images" if images else "page.files"}
    if single:
        found["multiple"] = False
        found["max"] = 1
    elif field.options.max_files is not None:
        found["max"] = field.options.max_files
    if field.type is FieldType.GALLERY:
        found["layout"] = "cards"
    if upload_template:
        found["uploads"] = upload_template
    return found


def _no_options(_field: Field) -> dict[str, Any]:
    return {}


def _monospace(_field: Field) -> dict[str, Any]:
    return {"buttons": False, "font": "monospace"}


def _writing(_field: Field) -> dict[str, Any]:
    # Markdown with the toolbar (headings, bold, links) in a roomy box.
    return {"size": "large"}


_TYPE_OPTIONS: Mapping[FieldType, Callable[[Field], dict[str, Any]]] = {
    FieldType.RICHTEXT: _writing,
    FieldType.MARKDOWN: _writing,
    # Plain text: formatting buttons would insert Markdown the template prints literally.
    FieldType.TEXTAREA: lambda _f: {"buttons": False},
    FieldType.CODE: _monospace,
    FieldType.JSON: _monospace,
    FieldType.DATETIME: lambda _f: {"time": True},
    FieldType.BOOLEAN: lambda _f: {"text": ["No", "Yes"]},
    FieldType.RELATION: lambda _f: {"multiple": False, "max": 1},
    FieldType.LIST: lambda _f: {"field": {"type": "text"}},
    FieldType.COLOR: lambda _f: {"format": "hex", "alpha": False},
    FieldType.LOCATION: lambda _f: {
        "fields": {
            "lat": {"label": "Latitude", "type": "number", "min": -90, "max": 90, "step": 1e-06},
            "lng": {"label": "Longitude", "type": "number", "min": -180, "max": 180, "step": 1e-06},
        }
    },
}


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
