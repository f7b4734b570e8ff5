"""What a content schema proposed by the model goes through before anyone sees it.

Ids are normalised (entity ids to slugs, field ids to snake_case), duplicates and fields
that shadow an item's own keys are dropped, and fields that would hold secrets (passwords,
tokens, keys) are refused: a portfolio never needs them, and a request for one in the
material is the classic prompt injection. Every change is noted; what is still invalid
after that fails with a clear error.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import attrs

from domain.issues import Severity
from domain.json_schema import conform
from domain.llm import LlmError, LlmFailure
from domain.schema import ContentSchema, Entity, Field
from domain.serialization import from_data
from domain.validation import RESERVED_FIELD_IDS, SchemaLimits, validate_schema

SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "secrets", "token", "tokens", "credential",
     "credentials", "pin", "ssn", "iban", "cvv", "apikey", "otp"}
)  # fmt: skip
SECRET_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("access", "key"), ("credit", "card"),
     ("social", "security"), ("admin", "pass")}
)  # fmt: skip


def _slug(text: str, sep: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = sep.join(words)
    return slug if slug[:1].isalpha() else (f"x{sep}{slug}" if slug else "")


def entity_id(text: str) -> str:
    return _slug(text, "-")


def field_id(text: str) -> str:
    return _slug(text, "_")


def names_a_secret(text: str) -> bool:
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower())
    return bool(SECRET_WORDS.intersection(words)) or any(
        pair in SECRET_PAIRS for pair in itertools.pairwise(words)
    )


def is_secret(field: Field) -> bool:
    return names_a_secret(field.id) or names_a_secret(field.label)


def schema_from_answer(
    data: Any, json_schema: dict[str, Any], limits: SchemaLimits, note: Callable[[str], None]
) -> ContentSchema:
    """The ContentSchema in the model's answer ``data``, checked, repaired and validated."""
    conformed, repairs = conform(data, json_schema)
    for repair in repairs:
        note(f"schema: {repair}")
    schema = from_data(conformed, ContentSchema)
    return checked_schema(schema, limits, note)


def checked_schema(
    schema: ContentSchema, limits: SchemaLimits, note: Callable[[str], None]
) -> ContentSchema:
    entities: list[Entity] = []
    seen: set[str] = set()
    for entity in schema.entities:
        eid = entity_id(entity.id) or entity_id(entity.name)
        if not eid or eid in seen:
            note(f"schema: entity {entity.id!r} dropped (no usable id, or used twice)")
            continue
        if eid != entity.id:
            note(f"schema: entity id {entity.id!r} written as {eid!r}")
        seen.add(eid)
        entities.append(attrs.evolve(entity, id=eid, fields=_fields(eid, entity.fields, note)))
    ids = {e.id for e in entities}
    relationships = tuple(
        r for r in schema.relationships if r.from_entity in ids and r.to_entity in ids
    )
    if len(relationships) < len(schema.relationships):
        note("schema: relationships naming unknown entities dropped")
    result = attrs.evolve(schema, entities=tuple(entities), relationships=relationships)
    errors = [i for i in validate_schema(result, limits) if i.severity is Severity.ERROR]
    if errors:
        listed = "; ".join(f"{i.path}: {i.message}" for i in errors[:5])
        raise LlmError(
            f"the model proposed a schema that is not valid: {listed}",
            failure=LlmFailure.BAD_OUTPUT,
        )
    return result


def _fields(
    entity: str, fields: tuple[Field, ...], note: Callable[[str], None]
) -> tuple[Field, ...]:
    kept: list[Field] = []
    seen: set[str] = set()
    for field in fields:
        fid = field_id(field.id) or field_id(field.label)
        where = f"{entity}.{field.id}"
        if is_secret(field):
            note(f"schema: field {where} refused: a site's content never holds secrets")
            continue
        if not fid or fid in seen or fid in RESERVED_FIELD_IDS:
            note(f"schema: field {where} dropped (no usable id, used twice, or reserved)")
            continue
        seen.add(fid)
        kept.append(attrs.evolve(field, id=fid) if fid != field.id else field)
    return tuple(kept)
