"""The content schema: entities, fields in the CMS-agnostic vocabulary, relationships."""

from __future__ import annotations

import enum

import attrs


class FieldType(enum.StrEnum):
    """The 31 generic field types every CMS adapter must map."""

    TEXT = "text"
    TEXTAREA = "textarea"
    RICHTEXT = "richtext"
    MARKDOWN = "markdown"
    CODE = "code"
    NUMBER = "number"
    RANGE = "range"
    BOOLEAN = "boolean"
    SELECT = "select"
    MULTISELECT = "multiselect"
    RADIO = "radio"
    CHECKBOXES = "checkboxes"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    IMAGE = "image"
    FILE = "file"
    GALLERY = "gallery"
    FILES = "files"
    LIST = "list"
    STRUCTURE = "structure"
    BLOCKS = "blocks"
    JSON = "json"
    RELATION = "relation"
    RELATIONS = "relations"
    URL = "url"
    EMAIL = "email"
    TEL = "tel"
    COLOR = "color"
    LOCATION = "location"
    TAGS = "tags"


CHOICE_TYPES = frozenset(
    {FieldType.SELECT, FieldType.MULTISELECT, FieldType.RADIO, FieldType.CHECKBOXES}
)
LENGTH_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.TEXTAREA,
        FieldType.RICHTEXT,
        FieldType.MARKDOWN,
        FieldType.CODE,
        FieldType.URL,
        FieldType.EMAIL,
        FieldType.TEL,
    }
)
NUMERIC_TYPES = frozenset({FieldType.NUMBER, FieldType.RANGE})
MEDIA_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE, FieldType.GALLERY, FieldType.FILES})
RELATION_TYPES = frozenset({FieldType.RELATION, FieldType.RELATIONS})


class Width(enum.StrEnum):
    FULL = "1/1"
    HALF = "1/2"
    THIRD = "1/3"
    QUARTER = "1/4"


class EntityKind(enum.StrEnum):
    COLLECTION = "collection"
    SINGLE = "single"


class RelationshipType(enum.StrEnum):
    ONE_TO_ONE = "one-to-one"
    ONE_TO_MANY = "one-to-many"
    MANY_TO_MANY = "many-to-many"


@attrs.frozen
class Choice:
    value: str
    label: str


@attrs.frozen
class FieldOptions:
    """Type-specific options; which ones apply depends on the field type (see validation)."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[Choice, ...] = ()
    accept: tuple[str, ...] = ()
    max_files: int | None = None
    fields: tuple[Field, ...] = ()
    target_entity: str | None = None


@attrs.frozen
class Field:
    id: str
    label: str
    type: FieldType
    required: bool = False
    help: str = ""
    width: Width = Width.FULL
    options: FieldOptions = FieldOptions()


@attrs.frozen
class Entity:
    id: str
    name: str
    plural_name: str
    kind: EntityKind
    fields: tuple[Field, ...] = ()
    description: str = ""
    display_field: str = "title"
    icon: str = "page"
    sortable: bool = True

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@attrs.frozen
class Relationship:
    id: str
    type: RelationshipType
    from_entity: str
    to_entity: str
    label: str = ""


@attrs.frozen
class ContentSchema:
    name: str
    entities: tuple[Entity, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    version: int = 1

    def entity(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)
