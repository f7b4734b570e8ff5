"""Schema validation: returns every finding as a structured Issue instead of raising."""

from __future__ import annotations

import re

import attrs

from domain.issues import Issue, Severity
from domain.schema import (
    CHOICE_TYPES,
    LENGTH_TYPES,
    MEDIA_TYPES,
    NUMERIC_TYPES,
    RELATION_TYPES,
    ContentSchema,
    Entity,
    Field,
    FieldType,
)

ENTITY_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
FIELD_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Every item has these of its own; a field with the same id would shadow them.
RESERVED_FIELD_IDS = frozenset({"title", "slug", "status", "sort", "id", "uuid"})


@attrs.frozen
class SchemaLimits:
    max_entities: int = 50
    max_fields_per_entity: int = 60


def _issue(code: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(severity=severity, code=code, path=path, message=message)


def validate_schema(schema: ContentSchema, limits: SchemaLimits | None = None) -> list[Issue]:
    limits = limits or SchemaLimits()
    found: list[Issue] = []
    if not schema.name.strip():
        found.append(_issue("schema.name_empty", "name", "The schema needs a name."))
    if len(schema.entities) > limits.max_entities:
        found.append(
            _issue(
                "schema.too_many_entities",
                "entities",
                f"{len(schema.entities)} entities exceed the limit max_entities="
                f"{limits.max_entities}.",
            )
        )
    entity_ids = [e.id for e in schema.entities]
    for index, entity in enumerate(schema.entities):
        path = f"entities[{index}]"
        if entity_ids.count(entity.id) > 1:
            found.append(
                _issue(
                    "entity.duplicate_id", f"{path}.id", f"Entity id '{entity.id}' is used twice."
                )
            )
        found.extend(_validate_entity(entity, path, set(entity_ids), limits))
    found.extend(_validate_relationships(schema, set(entity_ids)))
    return found


def _validate_entity(
    entity: Entity, path: str, entity_ids: set[str], limits: SchemaLimits
) -> list[Issue]:
    found: list[Issue] = []
    if not ENTITY_ID.match(entity.id):
        found.append(
            _issue(
                "entity.bad_id",
                f"{path}.id",
                f"Entity id '{entity.id}' must be a lower-case slug (letters, digits, '-').",
            )
        )
    if not entity.name.strip():
        found.append(_issue("entity.name_empty", f"{path}.name", "The entity needs a name."))
    if len(entity.fields) > limits.max_fields_per_entity:
        found.append(
            _issue(
                "entity.too_many_fields",
                f"{path}.fields",
                f"{len(entity.fields)} fields exceed the limit max_fields_per_entity="
                f"{limits.max_fields_per_entity}.",
            )
        )
    field_ids = [f.id for f in entity.fields]
    for index, field in enumerate(entity.fields):
        field_path = f"{path}.fields[{index}]"
        if field_ids.count(field.id) > 1:
            found.append(
                _issue(
                    "field.duplicate_id",
                    f"{field_path}.id",
                    f"Field id '{field.id}' is used twice in entity '{entity.id}'.",
                )
            )
        if field.id in RESERVED_FIELD_IDS:
            found.append(
                _issue(
                    "field.reserved_id",
                    f"{field_path}.id",
                    f"Field id '{field.id}' is reserved for every item; choose another name.",
                )
            )
        found.extend(_validate_field(field, field_path, entity_ids))
    if entity.display_field != "title" and entity.display_field not in field_ids:
        found.append(
            _issue(
                "entity.bad_display_field",
                f"{path}.display_field",
                f"Display field '{entity.display_field}' is not a field of '{entity.id}'.",
            )
        )
    return found


def _validate_field(field: Field, path: str, entity_ids: set[str]) -> list[Issue]:
    found: list[Issue] = []
    opts = field.options
    if not FIELD_ID.match(field.id):
        found.append(
            _issue(
                "field.bad_id",
                f"{path}.id",
                f"Field id '{field.id}' must be snake_case (letters, digits, '_').",
            )
        )
    if not field.label.strip():
        found.append(_issue("field.label_empty", f"{path}.label", "The field needs a label."))
    if field.type in CHOICE_TYPES and not opts.choices:
        found.append(
            _issue(
                "field.choices_missing",
                f"{path}.options.choices",
                f"A {field.type} field needs at least one choice.",
            )
        )
    values = [c.value for c in opts.choices]
    if len(values) != len(set(values)):
        found.append(
            _issue("field.duplicate_choice", f"{path}.options.choices", "Choice values repeat.")
        )
    if field.type in RELATION_TYPES:
        if not opts.target_entity:
            found.append(
                _issue(
                    "field.target_missing",
                    f"{path}.options.target_entity",
                    "A relation needs a target entity.",
                )
            )
        elif opts.target_entity not in entity_ids:
            found.append(
                _issue(
                    "field.target_unknown",
                    f"{path}.options.target_entity",
                    f"Target entity '{opts.target_entity}' does not exist.",
                )
            )
    if field.type is FieldType.STRUCTURE:
        if not opts.fields:
            found.append(
                _issue(
                    "field.nested_missing",
                    f"{path}.options.fields",
                    "A structure field needs nested fields.",
                )
            )
        nested_ids = [f.id for f in opts.fields]
        for index, nested in enumerate(opts.fields):
            nested_path = f"{path}.options.fields[{index}]"
            if nested_ids.count(nested.id) > 1:
                found.append(
                    _issue(
                        "field.duplicate_id",
                        f"{nested_path}.id",
                        f"Nested field id '{nested.id}' is used twice.",
                    )
                )
            found.extend(_validate_field(nested, nested_path, entity_ids))
    found.extend(_validate_ranges(field, path))
    found.extend(_misplaced_options(field, path))
    return found


def _validate_ranges(field: Field, path: str) -> list[Issue]:
    opts = field.options
    found: list[Issue] = []
    if opts.min is not None and opts.max is not None and opts.min > opts.max:
        found.append(_issue("field.min_gt_max", f"{path}.options", "min is greater than max."))
    if (
        opts.min_length is not None
        and opts.max_length is not None
        and opts.min_length > opts.max_length
    ):
        found.append(
            _issue(
                "field.min_length_gt_max_length",
                f"{path}.options",
                "min_length is greater than max_length.",
            )
        )
    if opts.step is not None and opts.step <= 0:
        found.append(_issue("field.bad_step", f"{path}.options.step", "step must be positive."))
    if opts.max_files is not None and opts.max_files < 1:
        found.append(
            _issue("field.bad_max_files", f"{path}.options.max_files", "max_files must be >= 1.")
        )
    if opts.pattern is not None:
        try:
            re.compile(opts.pattern)
        except re.error as exc:
            found.append(
                _issue(
                    "field.bad_pattern",
                    f"{path}.options.pattern",
                    f"pattern is not a valid regular expression: {exc}.",
                )
            )
    return found


def _misplaced_options(field: Field, path: str) -> list[Issue]:
    """Options set on a type that ignores them are warnings: harmless, but likely a mistake."""
    opts = field.options
    checks: list[tuple[bool, str]] = [
        (
            (opts.min_length is not None or opts.max_length is not None or opts.pattern is not None)
            and field.type not in LENGTH_TYPES,
            "length/pattern",
        ),
        (
            (opts.min is not None or opts.max is not None or opts.step is not None)
            and field.type not in NUMERIC_TYPES
            and field.type not in {FieldType.TAGS, FieldType.LIST, FieldType.STRUCTURE}
            and field.type not in CHOICE_TYPES,
            "min/max/step",
        ),
        (bool(opts.choices) and field.type not in CHOICE_TYPES | {FieldType.TAGS}, "choices"),
        (
            (bool(opts.accept) or opts.max_files is not None) and field.type not in MEDIA_TYPES,
            "accept/max_files",
        ),
        (bool(opts.fields) and field.type is not FieldType.STRUCTURE, "fields"),
        (opts.target_entity is not None and field.type not in RELATION_TYPES, "target_entity"),
    ]
    return [
        _issue(
            "field.option_ignored",
            f"{path}.options",
            f"Option {name} does not apply to a {field.type} field and is ignored.",
            Severity.WARNING,
        )
        for wrong, name in checks
        if wrong
    ]


def _validate_relationships(schema: ContentSchema, entity_ids: set[str]) -> list[Issue]:
    found: list[Issue] = []
    seen: set[str] = set()
    for index, rel in enumerate(schema.relationships):
        path = f"relationships[{index}]"
        if rel.id in seen:
            found.append(
                _issue("relationship.duplicate_id", f"{path}.id", f"Id '{rel.id}' repeats.")
            )
        seen.add(rel.id)
        for end in ("from_entity", "to_entity"):
            target = getattr(rel, end)
            if target not in entity_ids:
                found.append(
                    _issue(
                        "relationship.unknown_entity",
                        f"{path}.{end}",
                        f"Entity '{target}' does not exist.",
                    )
                )
    return found
