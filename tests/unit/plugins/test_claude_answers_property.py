"""Any answer that matches a tool's JSON schema is accepted, repaired or reported with a
clear error — never a crash (property tests over generated answers)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.documents import Block, BlockKind, Document, Locator
from domain.llm import LlmError, LlmFailure, ModelSkillSettings
from domain.model_use import recording
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType
from plugins.claude.mapping import schema_from
from plugins.claude.structuring import ClaudeContentStructurer, documents_text
from tests.fakes import FakeLanguageModel

TEXT = st.text(max_size=12)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)
FIELD = st.fixed_dictionaries(
    {"id": TEXT, "label": TEXT, "type": st.sampled_from([t.value for t in FieldType])},
    optional={
        "required": st.booleans(),
        "width": st.sampled_from(["1/1", "1/2", "1/3", "1/4"]),
        "options": st.fixed_dictionaries(
            {},
            optional={
                "min": st.floats(allow_nan=False, allow_infinity=False),
                "max": st.floats(allow_nan=False, allow_infinity=False),
                "choices": st.lists(st.fixed_dictionaries({"value": TEXT, "label": TEXT})),
                "target_entity": TEXT,
                "pattern": TEXT,
            },
        ),
    },
)
ENTITY = st.fixed_dictionaries(
    {
        "id": TEXT,
        "name": TEXT,
        "plural_name": TEXT,
        "kind": st.sampled_from(["collection", "single"]),
    },
    optional={"fields": st.lists(FIELD, max_size=4), "display_field": TEXT},
)
SCHEMA_ANSWER = st.fixed_dictionaries(
    {
        "schema": st.fixed_dictionaries(
            {"name": TEXT}, optional={"entities": st.lists(ENTITY, max_size=3)}
        )
    }
)
ITEM = st.fixed_dictionaries(
    {
        "entity": st.sampled_from(["project", "other", "Project"]),
        "title": st.sampled_from(["Harbour Lamps", "Nothing Like It", ""]) | TEXT,
        "document": st.sampled_from(["d1", "d2", "x"]),
    },
    optional={
        "fields": st.dictionaries(st.sampled_from(["year", "client", "tags", "x"]), JSON),
        "confidence": st.floats(allow_nan=False),
    },
)
DOC = Document(
    "projects.md",
    "text/markdown",
    "Projects",
    blocks=(
        Block(BlockKind.HEADING, "Harbour Lamps", Locator(line=1), level=2),
        Block(BlockKind.KEY_VALUE, "2022", Locator(line=2), key="Year"),
    ),
)
SCHEMA = ContentSchema(
    name="S",
    entities=(
        Entity("project", "Project", "Projects", EntityKind.COLLECTION, fields=(
            Field("year", "Year", FieldType.NUMBER), Field("client", "Client", FieldType.TEXT),
            Field("tags", "Tags", FieldType.TAGS))),
    ),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMA_ANSWER)
def test_any_schema_shaped_answer_is_a_valid_schema_or_a_clear_error(answer: Any) -> None:
    notes: list[str] = []
    try:
        schema = schema_from(answer, "Site", ModelSkillSettings(), notes.append)
    except LlmError as error:
        assert error.failure is LlmFailure.BAD_OUTPUT and error.message
        return
    assert isinstance(schema, ContentSchema) and schema.name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"items": st.lists(ITEM, max_size=4)}))
def test_any_items_answer_is_accepted_repaired_or_reported(answer: Any) -> None:
    structurer = ClaudeContentStructurer(FakeLanguageModel(answer), ModelSkillSettings())
    with recording() as ledger:
        try:
            content = structurer.structure([DOC], SCHEMA)
        except LlmError as error:
            assert error.failure is LlmFailure.BAD_OUTPUT and error.message
            return
    # An item the model gave is either kept or reported (a dropped one leaves a note).
    assert len(content.items) == len(answer["items"]) or ledger.notes
    source = documents_text([DOC])["projects.md"]
    for item in content.items:
        assert source.has_text(item.title)  # no invented title
        assert set(item.fields) <= {"year", "client", "tags"}
        assert item.fields.get("year", 2022) == 2022  # the only year the material has
