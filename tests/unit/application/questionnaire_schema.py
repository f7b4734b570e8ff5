"""A small schema to talk about: a collection of projects and a single About page."""

from __future__ import annotations

from application.questionnaire import Edit, interpret
from domain.schema import (
    Choice,
    ContentSchema,
    Entity,
    EntityKind,
    Field,
    FieldOptions,
    FieldType,
)

PROJECTS = Entity(
    id="project",
    name="Project",
    plural_name="Projects",
    kind=EntityKind.COLLECTION,
    fields=(
        Field("year", "Year", FieldType.NUMBER),
        Field("client", "Client", FieldType.TEXT),
        Field(
            "medium",
            "Medium",
            FieldType.SELECT,
            options=FieldOptions(choices=(Choice("oil", "Oil"), Choice("ink", "Ink"))),
        ),
        Field("place_of_work", "Place of work", FieldType.TEXT),
    ),
)
ABOUT = Entity(
    id="about",
    name="About",
    plural_name="About",
    kind=EntityKind.SINGLE,
    fields=(Field("bio", "Bio", FieldType.TEXTAREA),),
)
SCHEMA = ContentSchema(name="Portfolio", entities=(PROJECTS, ABOUT))


def edit(message: str, *, cursor: int = 0, schema: ContentSchema = SCHEMA) -> Edit:
    """Interpret ``message`` as an edit and apply it at ``cursor``."""
    step = interpret(message)
    assert step.kind == "edit" and step.edit is not None
    return step.edit(schema, cursor)


def entity(schema: ContentSchema, entity_id: str) -> Entity:
    found = schema.entity(entity_id)
    assert found is not None
    return found


def field(schema: ContentSchema, entity_id: str, field_id: str) -> Field:
    found = entity(schema, entity_id).field(field_id)
    assert found is not None
    return found
