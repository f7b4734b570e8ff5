"""Each command of the guided questionnaire changes the schema as its help text promises."""

from __future__ import annotations

import pytest

from domain.schema import FieldOptions, FieldType
from tests.unit.application.questionnaire_schema import ABOUT, PROJECTS, SCHEMA, edit, entity, field

# --- rename an entity ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["rename project to Work", "rename Projects to Work", "Rename entity PROJECT to Work."],
)
def test_renaming_a_collection_keeps_its_id_and_pluralises(message: str) -> None:
    result = edit(message)
    renamed = entity(result.schema, "project")
    assert (renamed.name, renamed.plural_name) == ("Work", "Works")
    assert renamed.fields == PROJECTS.fields
    assert result.reply == "Renamed Project to Work."


@pytest.mark.parametrize(
    ("name", "plural"), [("Story", "Stories"), ("Box", "Boxes"), ("Works", "Works")]
)
def test_a_renamed_collection_gets_a_plural(name: str, plural: str) -> None:
    assert entity(edit(f"rename project to {name}").schema, "project").plural_name == plural


def test_renaming_a_single_page_keeps_one_name() -> None:
    renamed = entity(edit("rename about to About me").schema, "about")
    assert (renamed.name, renamed.plural_name) == ("About me", "About me")


def test_a_renamed_entity_is_still_found_by_its_id_in_the_plural() -> None:
    renamed = edit("rename project to Work").schema
    result = edit("add field Awards to projects", schema=renamed)
    assert field(result.schema, "project", "awards").label == "Awards"


def test_names_keep_the_case_typed_even_around_letters_that_lower_to_two() -> None:
    # "İ".lower() is two characters: positions in a lower-cased copy would drift.
    result = edit("rename İstanbul to Ankara", schema=edit("rename project to İstanbul").schema)
    assert entity(result.schema, "project").name == "Ankara"


# --- rename a field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "cursor"),
    [
        ("rename field year to Year made", 0),
        ("rename field Year in projects to Year made", 1),
        ("rename field year of Project to Year made", 1),
        ("rename project.year to Year made", 1),
        ("rename field 'year' to 'Year made'", 0),
    ],
)
def test_renaming_a_field_changes_its_label_not_its_id(message: str, cursor: int) -> None:
    result = edit(message, cursor=cursor)
    renamed = field(result.schema, "project", "year")
    assert (renamed.label, renamed.type) == ("Year made", FieldType.NUMBER)
    assert result.reply == "Renamed the field Year of Project to Year made."


def test_a_field_label_may_contain_in_or_of() -> None:
    result = edit("rename field place of work to Studio")
    assert field(result.schema, "project", "place_of_work").label == "Studio"
    result = edit("rename field place of work in projects to Studio", cursor=1)
    assert field(result.schema, "project", "place_of_work").label == "Studio"


# --- add a field ------------------------------------------------------------------------------


def test_adding_a_field_defaults_to_text_on_the_current_entity() -> None:
    result = edit("add field Commissioned by")
    added = entity(result.schema, "project").fields[-1]
    assert (added.id, added.label, added.type) == ("commissioned_by", "Commissioned by", "text")
    assert result.reply == "Added the field Commissioned by (text) to Project."
    assert entity(result.schema, "about") == ABOUT


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("add field Awards as tags", FieldType.TAGS),
        ("add a field Price as a number", FieldType.NUMBER),
        ("add field Hero as an image", FieldType.IMAGE),
        ("Add field Website as URL", FieldType.URL),
        ("add field Summary as long text", FieldType.TEXTAREA),
        ("add field Sold as yes/no", FieldType.BOOLEAN),
        ("add field Booking as a phone number", FieldType.TEL),
    ],
)
def test_adding_a_field_with_a_type(message: str, expected: FieldType) -> None:
    added = entity(edit(message).schema, "project").fields[-1]
    assert added.type is expected
    assert " as " not in added.label  # the type is understood, not made part of the name


def test_long_text_is_understood_when_a_field_is_added_to_another_entity() -> None:
    result = edit("add field Summary as long text to about")
    assert field(result.schema, "about", "summary").type is FieldType.TEXTAREA


@pytest.mark.parametrize(
    "message", ["add field Portrait as image to about", "add field Portrait as image in About"]
)
def test_adding_a_field_to_another_entity(message: str) -> None:
    result = edit(message)
    assert field(result.schema, "about", "portrait").type is FieldType.IMAGE
    assert entity(result.schema, "project") == PROJECTS


def test_an_added_field_id_starts_with_a_letter() -> None:
    assert entity(edit("add field 2024 shows").schema, "project").fields[-1].id == (
        "field_2024_shows"
    )


def test_the_cursor_past_the_end_talks_about_the_last_entity() -> None:
    result = edit("add field Portrait", cursor=len(SCHEMA.entities))
    assert field(result.schema, "about", "portrait").label == "Portrait"


# --- remove a field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "cursor"),
    [
        ("remove field client", 0),
        ("delete the field Client", 0),
        ("drop field client from projects", 1),
        ("remove field client in Project", 1),
    ],
)
def test_removing_a_field(message: str, cursor: int) -> None:
    result = edit(message, cursor=cursor)
    assert entity(result.schema, "project").field("client") is None
    assert [f.id for f in entity(result.schema, "project").fields] == [
        "year",
        "medium",
        "place_of_work",
    ]
    assert result.reply == "Removed the field Client from Project."


@pytest.mark.parametrize(
    ("message", "cursor"),
    [("remove field place of work", 0), ("remove field Place of work from projects", 1)],
)
def test_removing_a_field_whose_label_contains_of(message: str, cursor: int) -> None:
    assert entity(edit(message, cursor=cursor).schema, "project").field("place_of_work") is None


# --- change a field's type --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "cursor"),
    [
        ("change year to date", 0),
        ("change the type of year to a date", 0),
        ("make year a date", 0),
        ("set field year into date", 0),
        ("change year in projects to Date", 1),
        ("change the type of field Year of project to date", 1),
    ],
)
def test_changing_a_field_type(message: str, cursor: int) -> None:
    result = edit(message, cursor=cursor)
    changed = field(result.schema, "project", "year")
    assert (changed.label, changed.type) == ("Year", FieldType.DATE)
    assert result.reply == "Year of Project is now a date field."


def test_changing_the_type_drops_the_old_types_options() -> None:
    changed = field(edit("change medium to tags").schema, "project", "medium")
    assert changed.type is FieldType.TAGS
    assert changed.options == FieldOptions()


def test_changing_the_type_of_a_field_whose_label_contains_of() -> None:
    changed = field(edit("change place of work to textarea").schema, "project", "place_of_work")
    assert changed.type is FieldType.TEXTAREA


# --- an edit returns a new schema -------------------------------------------------------------


def test_an_edit_leaves_the_schema_it_was_given_unchanged() -> None:
    before = SCHEMA
    edit("remove field client")
    assert before == SCHEMA
    assert entity(SCHEMA, "project").field("client") is not None
