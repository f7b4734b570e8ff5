"""The questionnaire's replies: moving on, approving, help, and what it cannot do, which it
explains instead of raising anything but ``NotUnderstood``."""

from __future__ import annotations

import pytest

from application.questionnaire import HELP, NotUnderstood, describe, interpret, question
from domain.errors import InvalidInput
from domain.schema import ContentSchema, FieldType
from tests.unit.application.questionnaire_schema import ABOUT, PROJECTS, SCHEMA, edit


@pytest.mark.parametrize("message", ["next", "Next.", "  skip ", "OK", "looks fine", "continue"])
def test_next(message: str) -> None:
    step = interpret(message)
    assert step.kind == "next" and step.edit is None


@pytest.mark.parametrize("message", ["approve", "Approve!", "looks good", "LGTM", "done"])
def test_approve(message: str) -> None:
    step = interpret(message)
    assert step.kind == "approve" and step.edit is None


@pytest.mark.parametrize("message", ["help", "?", "What can I say"])
def test_help(message: str) -> None:
    assert interpret(message).kind == "help"


# --- not understood ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["", "hello there", "make year required", "rename", "add a page", "change year to 2024"],
)
def test_an_unknown_command_is_answered_with_what_can_be_said(message: str) -> None:
    with pytest.raises(NotUnderstood) as caught:
        interpret(message)
    assert caught.value.message == f"I did not understand that. {HELP}"
    assert caught.value.code == "not_understood"
    assert isinstance(caught.value, InvalidInput)  # the API answers it as a 4xx, not a 500


def test_help_names_every_command() -> None:
    for command in ("rename", "add field", "remove field", "change", "next", "approve"):
        assert command in HELP


def explain(message: str, *, cursor: int = 0, schema: ContentSchema = SCHEMA) -> str:
    with pytest.raises(NotUnderstood) as caught:
        edit(message, cursor=cursor, schema=schema)
    return caught.value.message


def test_removing_a_field_that_does_not_exist_lists_the_fields() -> None:
    assert explain("remove field budget") == (
        "Project has no field called 'budget'. Its fields are: Year, Client, Medium, Place of work."
    )


def test_an_unknown_entity_lists_the_entities() -> None:
    reply = explain("remove field client from events")
    assert reply == "There is no entity called 'events'. The entities are: Project, About."
    assert "no entity called 'Gallery'" in explain("rename Gallery to Works")


@pytest.mark.parametrize("message", ["change year to feeling", "add field Mood as feeling"])
def test_an_unknown_type_lists_the_types(message: str) -> None:
    reply = explain(message)
    assert reply.startswith("'feeling' is not a field type. The types are: ")
    assert all(t.value in reply for t in FieldType)


@pytest.mark.parametrize("name", ["Year", "year", "Title", "slug"])
def test_adding_a_field_that_exists_or_is_reserved_asks_for_another_name(name: str) -> None:
    assert "pick another name" in explain(f"add field {name}")


def test_a_name_longer_than_100_characters_is_refused() -> None:
    assert explain("rename project to " + "x" * 101) == "A name needs 1 to 100 characters."
    assert explain("add field " + "y" * 101) == "A name needs 1 to 100 characters."


def test_an_empty_schema_has_nothing_to_edit() -> None:
    empty = ContentSchema(name="Empty")
    assert explain("add field Year", schema=empty) == "The schema has no entities yet."


def test_a_field_of_another_entity_is_not_found_in_the_current_one() -> None:
    assert explain("remove field bio", cursor=0).startswith("Project has no field called 'bio'")
    assert edit("remove field bio", cursor=1).reply == "Removed the field Bio from About."


# --- the questions ----------------------------------------------------------------------------


def test_describe_a_collection_and_a_single_page() -> None:
    assert describe(PROJECTS) == (
        "Projects is a collection of items with: "
        "Year (number), Client (text), Medium (select), Place of work (text)."
    )
    assert describe(ABOUT) == "About is a single page with: Bio (textarea)."


def test_the_question_walks_through_the_entities_then_asks_for_approval() -> None:
    assert question(SCHEMA, 0).startswith("(1/2) Projects is a collection")
    assert question(SCHEMA, 1).startswith("(2/2) About is a single page")
    assert "approve" in question(SCHEMA, 2)
