"""Domain values → Kirby content strings, including shapes that cannot be stored."""

from __future__ import annotations

import json

import pytest
import yaml

from adapters.cms.kirby.values import PageFiles, ValueEncoder
from domain.schema import Field, FieldOptions, FieldType


def _encoder(files: PageFiles | None = None) -> ValueEncoder:
    return ValueEncoder(
        item_id="item-1",
        page_uuids={"p1": "aaaaaaaaaaaaaaaa", "p2": "bbbbbbbbbbbbbbbb"},
        upload_templates={"cover": "image", "rows.photo": "image"},
        files=files or PageFiles(),
    )


def _field(kind: FieldType, field_id: str = "value", **options: object) -> Field:
    return Field(id=field_id, label="Value", type=kind, options=FieldOptions(**options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (FieldType.TEXT, "Hello", "Hello"),
        (FieldType.NUMBER, 3.0, "3"),
        (FieldType.NUMBER, 2.5, "2.5"),
        (FieldType.RANGE, "12", "12"),
        (FieldType.NUMBER, True, None),
        (FieldType.NUMBER, float("nan"), None),
        (FieldType.BOOLEAN, False, "false"),
        (FieldType.BOOLEAN, "TRUE", "true"),
        (FieldType.BOOLEAN, "maybe", None),
        (FieldType.CHECKBOXES, ["a", "b"], "a, b"),
        (FieldType.TAGS, [], ""),
        (FieldType.DATE, "2024-01-31", "2024-01-31"),
        (FieldType.LOCATION, {"lat": 1, "lng": 2}, "lat: 1.0\nlng: 2.0\n"),
        (FieldType.LOCATION, {"lat": 1}, None),
        (FieldType.STRUCTURE, "not rows", None),
        (FieldType.BLOCKS, {"type": "text"}, None),
        (FieldType.JSON, {1, 2}, None),
        (FieldType.TEXT, {"not": "text"}, None),
    ],
)
def test_scalar_and_invalid_shapes(kind: FieldType, value: object, expected: str | None) -> None:
    assert _encoder().content_value(_field(kind), value) == expected


def test_relations_point_to_page_uuids_and_skip_unknown_ids() -> None:
    encoder = _encoder()
    relation = _field(FieldType.RELATION, target_entity="project")
    relations = _field(FieldType.RELATIONS, target_entity="project")
    assert encoder.content_value(relation, "p1") == "- page://aaaaaaaaaaaaaaaa\n"
    assert yaml.safe_load(encoder.content_value(relations, ["p2", "gone", "p1"]) or "") == [
        "page://bbbbbbbbbbbbbbbb",
        "page://aaaaaaaaaaaaaaaa",
    ]
    assert encoder.content_value(relation, "gone") == ""


def test_media_get_safe_unique_names_and_their_template() -> None:
    files = PageFiles()
    encoder = _encoder(files)
    gallery = _field(FieldType.GALLERY, field_id="cover")
    text = encoder.content_value(gallery, ["My Photo.JPG", "my-photo.jpg", "../etc/passwd"])
    assert yaml.safe_load(text or "") == ["my-photo.jpg", "my-photo-2.jpg", "passwd.bin"]
    assert files.entries() == [
        ("My Photo.JPG", "my-photo.jpg", "image"),
        ("my-photo.jpg", "my-photo-2.jpg", "image"),
        ("../etc/passwd", "passwd.bin", "image"),
    ]


def test_single_media_keeps_one_file() -> None:
    image = _field(FieldType.IMAGE, field_id="cover")
    assert _encoder().content_value(image, ["a.png", "b.png"]) == "- a.png\n"


def test_structure_rows_use_nested_shapes() -> None:
    nested = (
        Field(id="photo", label="Photo", type=FieldType.IMAGE),
        Field(id="done", label="Done", type=FieldType.BOOLEAN),
        Field(id="kinds", label="Kinds", type=FieldType.TAGS),
        Field(id="parts", label="Parts", type=FieldType.BLOCKS),
    )
    field = Field(
        id="rows", label="Rows", type=FieldType.STRUCTURE, options=FieldOptions(fields=nested)
    )
    value = [
        {
            "photo": "x.jpg",
            "done": True,
            "kinds": ["a", "b"],
            "parts": [{"type": "text", "content": {"text": "Hi"}}],
            "extra": 1,
        }
    ]
    [row] = yaml.safe_load(_encoder().content_value(field, value) or "")
    assert row["photo"] == ["x.jpg"]
    assert row["done"] == "true"
    assert row["kinds"] == "a, b"
    assert json.loads(row["parts"])[0]["type"] == "text"
    assert "extra" not in row


def test_block_ids_are_stable() -> None:
    blocks = _field(FieldType.BLOCKS)
    value = [{"type": "text", "content": {"text": "<p>a</p>"}}]
    first = _encoder().content_value(blocks, value)
    assert first == _encoder().content_value(blocks, value)
    assert json.loads(first or "")[0]["id"] != ""
