"""The offline guided questionnaire: short commands that edit a content schema.

Understood (case does not matter; ``<entity>`` is an entity's id, name or plural name,
``<field>`` a field's id or label; "in <entity>" may be left out to mean the entity being
discussed):

* ``rename <entity> to <name>`` · ``rename field <field> [in <entity>] to <label>``
* ``add field <name> [as <type>] [to <entity>]`` (type defaults to text)
* ``remove field <field> [from <entity>]``
* ``change <field> [in <entity>] to <type>``
* ``next`` (on to the next entity) · ``approve`` · ``help``

Ids stay stable when things are renamed: content and links already keyed by them survive.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from domain.errors import InvalidInput
from domain.schema import ContentSchema, Entity, Field, FieldOptions, FieldType
from domain.validation import RESERVED_FIELD_IDS

HELP = (
    "You can say: 'rename <entity> to <name>', 'rename field <field> to <label>', "
    "'add field <name> as <type>', 'remove field <field>', 'change <field> to <type>', "
    "'next' to move on, or 'approve' when the schema is right. "
    "Add 'in <entity>' to talk about another entity."
)
TYPES_HINT = ", ".join(t.value for t in FieldType)


class NotUnderstood(InvalidInput):
    """A message the questionnaire cannot act on; the reply explains what it can do."""

    code = "not_understood"


@attrs.frozen
class Edit:
    schema: ContentSchema
    reply: str


@attrs.frozen
class Step:
    """What a message asks for: an edit, moving on, approval, or help."""

    kind: str  # "edit" | "next" | "approve" | "help"
    edit: Callable[[ContentSchema, int], Edit] | None = None


def _in(*words: str) -> str:
    return rf"(?:\s+(?:{'|'.join(words)})\s+(?P<entity>.+?))?"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        _rx(rf"^rename\s+field\s+(?P<field>.+?){_in('in', 'of')}\s+to\s+(?P<new>.+)$"),
        "rename_field",
    ),
    (
        _rx(r"^rename\s+(?P<field>[^.\s]+)\.(?P<sub>\S+)\s+to\s+(?P<new>.+)$"),
        "rename_dotted",
    ),
    (_rx(r"^rename\s+(?:entity\s+)?(?P<entity>.+?)\s+to\s+(?P<new>.+)$"), "rename_entity"),
    (
        _rx(
            r"^add\s+(?:a\s+)?field\s+(?P<new>.+?)"
            r"(?:\s+as\s+(?:an?\s+)?(?P<type>[a-z][a-z/\-]*(?:\s+[a-z/\-]+)?))?"
            r"(?:\s+(?:to|in)\s+(?P<entity>.+?))?$"
        ),
        "add_field",
    ),
    (
        _rx(
            r"^(?:remove|delete|drop)\s+(?:the\s+)?field\s+"
            rf"(?P<field>.+?){_in('from', 'in', 'of')}$"
        ),
        "remove_field",
    ),
    (
        _rx(
            r"^(?:change|make|set)\s+(?:the\s+)?(?:type\s+of\s+)?(?:field\s+)?"
            rf"(?P<field>.+?){_in('in', 'of')}"
            r"\s+(?:to|into|a|an)\s+(?:an?\s+)?(?P<type>[a-z][a-z/\-]*(?:\s+[a-z/\-]+)?)$"
        ),
        "change_type",
    ),
]
_NEXT = {"next", "skip", "ok", "okay", "continue", "fine", "looks fine", "next entity"}
_APPROVE = {"approve", "approved", "yes, approve", "looks good", "done", "approve it", "lgtm"}


def interpret(message: str) -> Step:
    text = " ".join(message.strip().split())
    lowered = text.lower().rstrip(".!")
    if lowered in _NEXT:
        return Step("next")
    if lowered in _APPROVE:
        return Step("approve")
    if lowered in {"help", "?", "what can i say", "what can i do"}:
        return Step("help")
    # Matched ignoring case on the text as typed, so names keep their case (matching a
    # lower-cased copy shifts positions when lowering changes a length, as with "İ").
    command = text.rstrip(".!")
    for pattern, action in _PATTERNS:
        match = pattern.match(command)
        if match:
            groups = {k: _clean(v) for k, v in match.groupdict().items()}
            if groups.get("field") is not None and groups.get("entity") is not None:
                groups["target"] = command[match.start("field") : match.end("entity")]
            return Step("edit", _EDITS[action](groups))
    raise NotUnderstood(f"I did not understand that. {HELP}")


def _clean(value: str | None) -> str | None:
    return None if value is None else value.strip().strip("'\"")


# --- edits ---------------------------------------------------------------------------------

Groups = dict[str, str | None]


def _rename_entity(g: Groups) -> Callable[[ContentSchema, int], Edit]:
    def edit(schema: ContentSchema, cursor: int) -> Edit:
        entity = _find_entity(schema, g["entity"], cursor)
        name = _text(g["new"])
        plural = name if entity.kind.value == "single" else _plural(name)
        renamed = attrs.evolve(entity, name=name, plural_name=plural)
        return Edit(_replace(schema, entity, renamed), f"Renamed {entity.name} to {name}.")

    return edit


def _rename_field(g: Groups) -> Callable[[ContentSchema, int], Edit]:
    def edit(schema: ContentSchema, cursor: int) -> Edit:
        entity, field = _locate(schema, g, cursor, ("in", "of"))
        label = _text(g["new"])
        fields = tuple(attrs.evolve(f, label=label) if f is field else f for f in entity.fields)
        return Edit(
            _replace(schema, entity, attrs.evolve(entity, fields=fields)),
            f"Renamed the field {field.label} of {entity.name} to {label}.",
        )

    return edit


def _rename_dotted(g: Groups) -> Callable[[ContentSchema, int], Edit]:
    return _rename_field({"entity": g["field"], "field": g["sub"], "new": g["new"]})


def _add_field(g: Groups) -> Callable[[ContentSchema, int], Edit]:
    def edit(schema: ContentSchema, cursor: int) -> Edit:
        entity = _find_entity(schema, g.get("entity"), cursor)
        label = _text(g["new"])
        field_type = _type(g.get("type") or "text")
        field_id = _snake(label)
        if field_id in RESERVED_FIELD_IDS or entity.field(field_id) is not None:
            raise NotUnderstood(
                f"{entity.name} already has a field called {field_id}; pick another name."
            )
        field = Field(id=field_id, label=label, type=field_type)
        return Edit(
            _replace(schema, entity, attrs.evolve(entity, fields=(*entity.fields, field))),
            f"Added the field {label} ({field_type.value}) to {entity.name}.",
        )

    return edit


def _remove_field(g: Groups) -> Callable[[ContentSchema, int], Edit]:
    def edit(schema: ContentSchema, cursor: int) -> Edit:
        entity, field = _locate(schema, g, cursor, ("from", "in", "of"))
        fields = tuple(f for f in entity.fields if f is not field)
        return Edit(
            _replace(schema, entity, attrs.evolve(entity, fields=fields)),
            f"Removed the field {field.label} from {entity.name}.",
        )

    return edit


def _change_type(g: Groups) -> Callable[[ContentSchema, int], Edit]:
    def edit(schema: ContentSchema, cursor: int) -> Edit:
        entity, field = _locate(schema, g, cursor, ("in", "of"))
        field_type = _type(g["type"] or "")
        # Options belong to a type (choices, ranges...): they do not carry over to another.
        changed = attrs.evolve(field, type=field_type, options=FieldOptions())
        fields = tuple(changed if f is field else f for f in entity.fields)
        return Edit(
            _replace(schema, entity, attrs.evolve(entity, fields=fields)),
            f"{field.label} of {entity.name} is now a {field_type.value} field.",
        )

    return edit


_EDITS: dict[str, Callable[[Groups], Callable[[ContentSchema, int], Edit]]] = {
    "rename_field": _rename_field,
    "rename_dotted": _rename_dotted,
    "rename_entity": _rename_entity,
    "add_field": _add_field,
    "remove_field": _remove_field,
    "change_type": _change_type,
}


# --- helpers -------------------------------------------------------------------------------


def _find_entity(schema: ContentSchema, ref: str | None, cursor: int) -> Entity:
    if ref is None:
        if not schema.entities:
            raise NotUnderstood("The schema has no entities yet.")
        return schema.entities[min(cursor, len(schema.entities) - 1)]
    wanted = _norm(ref)
    for entity in schema.entities:
        # The id in the plural ("projects") still finds an entity renamed since.
        names = {entity.id, entity.id + "s", entity.name, entity.plural_name}
        if wanted in {_norm(n) for n in names}:
            return entity
    known = ", ".join(e.name for e in schema.entities)
    raise NotUnderstood(f"There is no entity called {ref!r}. The entities are: {known}.")


def _locate(
    schema: ContentSchema, g: Groups, cursor: int, joiners: tuple[str, ...]
) -> tuple[Entity, Field]:
    """The entity and field a message names. A label may itself hold a joining word ("date
    of birth"): when the first reading names nothing, every other split is tried, then the
    whole as a field of the entity being discussed."""
    try:
        entity = _find_entity(schema, g.get("entity"), cursor)
        return entity, _find_field(entity, g["field"])
    except NotUnderstood as first:
        target = g.get("target")
        if target is None:
            raise
        splits = re.finditer(rf"\s+(?:{'|'.join(joiners)})\s+", target, re.IGNORECASE)
        readings = [(target[: m.start()], target[m.end() :]) for m in splits]
        for field_ref, entity_ref in [*readings, (target, None)]:
            try:
                entity = _find_entity(schema, _clean(entity_ref), cursor)
                return entity, _find_field(entity, _clean(field_ref))
            except NotUnderstood:
                continue
        raise first from None


def _find_field(entity: Entity, ref: str | None) -> Field:
    wanted = _norm(ref or "")
    for field in entity.fields:
        if wanted in {_norm(field.id), _norm(field.label)}:
            return field
    known = ", ".join(f.label for f in entity.fields) or "none"
    raise NotUnderstood(f"{entity.name} has no field called {ref!r}. Its fields are: {known}.")


# How people name field types in a sentence ("as long text", "to a yes/no").
_TYPE_WORDS = {
    "long text": FieldType.TEXTAREA,
    "longer text": FieldType.TEXTAREA,
    "paragraph": FieldType.TEXTAREA,
    "paragraphs": FieldType.TEXTAREA,
    "short text": FieldType.TEXT,
    "line": FieldType.TEXT,
    "rich text": FieldType.RICHTEXT,
    "formatted text": FieldType.RICHTEXT,
    "integer": FieldType.NUMBER,
    "decimal": FieldType.NUMBER,
    "link": FieldType.URL,
    "web address": FieldType.URL,
    "e-mail": FieldType.EMAIL,
    "email address": FieldType.EMAIL,
    "phone": FieldType.TEL,
    "phone number": FieldType.TEL,
    "telephone": FieldType.TEL,
    "picture": FieldType.IMAGE,
    "photo": FieldType.IMAGE,
    "pictures": FieldType.GALLERY,
    "photos": FieldType.GALLERY,
    "images": FieldType.GALLERY,
    "yes/no": FieldType.BOOLEAN,
    "checkbox": FieldType.BOOLEAN,
    "toggle": FieldType.BOOLEAN,
    "colour": FieldType.COLOR,
    "keywords": FieldType.TAGS,
    "date and time": FieldType.DATETIME,
}


def _type(name: str) -> FieldType:
    spoken = " ".join(name.lower().split())
    if spoken in _TYPE_WORDS:
        return _TYPE_WORDS[spoken]
    try:
        return FieldType(spoken.replace(" ", ""))
    except ValueError:
        raise NotUnderstood(f"{name!r} is not a field type. The types are: {TYPES_HINT}.") from None


def _replace(schema: ContentSchema, old: Entity, new: Entity) -> ContentSchema:
    return attrs.evolve(schema, entities=tuple(new if e is old else e for e in schema.entities))


def _text(value: str | None) -> str:
    value = (value or "").strip()
    if not value or len(value) > 100:
        raise NotUnderstood("A name needs 1 to 100 characters.")
    return value


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", value.lower())


def _snake(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"field_{slug}".strip("_")
    return slug


def _plural(name: str) -> str:
    if name.lower().endswith(("s", "x", "ch", "sh")):
        return name + "es" if not name.lower().endswith("s") else name
    if name.lower().endswith("y") and name[-2:-1].lower() not in "aeiou":
        return name[:-1] + "ies"
    return name + "s"


def describe(entity: Entity) -> str:
    kind = "a collection of items" if entity.kind.value == "collection" else "a single page"
    fields = ", ".join(f"{f.label} ({f.type.value})" for f in entity.fields) or "no fields yet"
    name = entity.plural_name if entity.kind.value == "collection" else entity.name
    return f"{name} is {kind} with: {fields}."


def question(schema: ContentSchema, cursor: int) -> str:
    """The next thing to ask about: the entity at ``cursor``, or approval once past the end."""
    if cursor < len(schema.entities):
        entity = schema.entities[cursor]
        return (
            f"({cursor + 1}/{len(schema.entities)}) {describe(entity)} "
            "Anything to rename, add, remove or retype? Say 'next' when it is right."
        )
    return (
        "That is every kind of content. "
        "Say 'approve' to generate from this schema, or keep editing."
    )
