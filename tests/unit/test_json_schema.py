"""JSON schemas derived from the domain model, and conforming model answers to them."""

from __future__ import annotations

import pytest

from adapters.anthropic.partial_json import NotJson, parse_tool_json
from domain.json_schema import conform, object_schema, schema_for
from domain.llm import LlmError, LlmFailure
from domain.schema import ContentSchema, FieldType
from domain.serialization import from_data

SCHEMA = schema_for(ContentSchema)
ENTITY = {"id": "project", "name": "Project", "plural_name": "Projects", "kind": "collection"}


def test_the_schema_follows_the_domain_model() -> None:
    assert SCHEMA["type"] == "object" and SCHEMA["required"] == ["name"]
    entity = SCHEMA["$defs"]["Entity"]
    assert set(entity["required"]) == {"id", "name", "plural_name", "kind"}
    assert entity["additionalProperties"] is False
    field_type = SCHEMA["$defs"]["Field"]["properties"]["type"]
    assert field_type["enum"] == [t.value for t in FieldType]
    # FieldOptions nests fields: the recursion goes through a reference.
    nested = SCHEMA["$defs"]["FieldOptions"]["properties"]["fields"]["items"]
    assert nested == {"$ref": "#/$defs/Field"}


def test_a_good_answer_passes_unchanged_and_builds_domain_objects() -> None:
    data, repairs = conform({"name": "Site", "entities": [ENTITY]}, SCHEMA)
    assert repairs == ()
    schema = from_data(data, ContentSchema)
    assert schema.entities[0].id == "project" and schema.entities[0].icon == "page"


def test_wrong_types_are_repaired_when_the_meaning_is_plain() -> None:
    field = {"id": "year", "label": "Year", "type": "Number", "required": "yes"}
    answer = {"name": 2024, "version": "2", "entities": {**ENTITY, "fields": [field]}}
    data, repairs = conform(answer, SCHEMA)
    assert data["name"] == "2024" and data["version"] == 2
    assert data["entities"][0]["fields"][0]["type"] == "number"
    assert data["entities"][0]["fields"][0]["required"] is True
    assert len(repairs) == 5  # name, version, a single entity as a list, type, required
    assert any("entities: a single value read as a list" in r for r in repairs)


def test_wrong_types_that_cannot_be_read_are_rejected_with_the_path() -> None:
    answer = {"name": "S", "entities": [{**ENTITY, "sortable": "perhaps"}]}
    with pytest.raises(LlmError, match=r"entities\[0\]\.sortable: expected true or false") as e:
        conform(answer, SCHEMA)
    assert e.value.failure is LlmFailure.BAD_OUTPUT
    with pytest.raises(LlmError, match=r"entities\[0\]\.kind: 'many' is not one of"):
        conform({"name": "S", "entities": [{**ENTITY, "kind": "many"}]}, SCHEMA)


def test_extra_keys_are_dropped_and_reported() -> None:
    answer = {"name": "S", "admin_password": "x", "entities": [{**ENTITY, "owner": "me"}]}
    data, repairs = conform(answer, SCHEMA)
    assert "admin_password" not in data and "owner" not in data["entities"][0]
    assert repairs == (
        "admin_password: unknown key dropped",
        "entities[0].owner: unknown key dropped",
    )


def test_missing_required_fields_are_rejected_and_optional_ones_take_their_default() -> None:
    with pytest.raises(LlmError, match=r"entities\[0\]\.plural_name: a required field is missing"):
        conform(
            {"name": "S", "entities": [{k: v for k, v in ENTITY.items() if k != "plural_name"}]},
            SCHEMA,
        )
    data, repairs = conform({"name": "S"}, SCHEMA)
    assert data["entities"] == [] and data["version"] == 1 and repairs == ()


def test_hand_assembled_tool_schemas_keep_the_domain_definitions() -> None:
    tool = object_schema({"reply": {"type": "string"}, "schema": SCHEMA}, required=("reply",))
    assert tool["properties"]["schema"] == {"$ref": "#/$defs/ContentSchema"}
    assert "Entity" in tool["$defs"] and "ContentSchema" in tool["$defs"]
    data, _ = conform({"reply": "ok", "schema": {"name": "S", "entities": [ENTITY]}}, tool)
    assert data["schema"]["entities"][0]["kind"] == "collection"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": [1, 2,', {"a": [1, 2]}),
        ('{"a": [1, 2', {"a": [1]}),  # the 2 may be the start of 23
        ('{"a": 1, "b": "unfinis', {"a": 1}),  # a cut text is dropped, not kept shortened
        ('{"a": {"x": ["q", "r', {"a": {"x": ["q"]}}),
        ('{"a": "say \\"hi', {}),
    ],
)
def test_truncated_json_is_closed_by_dropping_the_unfinished_end(
    text: str, expected: object
) -> None:
    assert parse_tool_json(text) == (expected, True)


def test_json_that_cannot_be_closed_is_refused() -> None:
    assert parse_tool_json('{"a": 1}') == ({"a": 1}, False)
    for text in ("[1, 2]", "nonsense", '{"a": 1}}'):
        with pytest.raises(NotJson):
            parse_tool_json(text)
