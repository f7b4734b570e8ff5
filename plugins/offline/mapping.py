"""Offline domain mapper: a content schema inferred from the shape of the documents.

Entities come from ``shape.entity_groups`` (one per kind of thing); fields from what the
items say (``facts.item_facts``): every `Key: value` line or front matter key becomes a
field typed from all the values seen for it, prose becomes a Markdown ``text`` field and
images a ``cover`` (one per item at most) or a ``gallery``.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.documents import Document
from domain.ports import Skill
from domain.project import Conversation
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType, Width
from plugins.hookspecs import hookimpl
from plugins.offline.facts import (
    BODY_FIELD,
    COVER_FIELD,
    GALLERY_FIELD,
    ItemFacts,
    item_facts,
)
from plugins.offline.identity import site_identity
from plugins.offline.naming import humanise, plural, singular
from plugins.offline.shape import EntityGroup, entity_groups
from plugins.offline.values import classify, combine

# Fields that hold a place: their commas separate the parts of one place name.
PLACE_FIELDS = frozenset(
    {"location", "place", "city", "town", "venue", "address", "based_in", "where", "region",
     "country", "origin", "from", "located_in", "lives_in", "studio_address"}
)  # fmt: skip
# Leaves room below the schema limit (60 fields) for the text and image fields; a file
# with more distinct keys than this is not describing items field by field.
MAX_KEY_FIELDS = 50
_HALF_WIDTH_TYPES = frozenset(
    {FieldType.TEXT, FieldType.NUMBER, FieldType.DATE, FieldType.DATETIME, FieldType.EMAIL,
     FieldType.TEL, FieldType.URL, FieldType.COLOR, FieldType.BOOLEAN}
)  # fmt: skip
# Panel icons by the words of an entity id; the first matching word wins.
_ICONS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"project", "work", "portfolio", "case", "study"}), "folder"),
    (frozenset({"post", "article", "writing", "blog", "essay", "journal", "news"}), "text"),
    (frozenset({"contact"}), "email"),
    (frozenset({"about", "bio", "biography", "profile", "cv", "resume"}), "user"),
    (frozenset({"client", "team", "member", "person", "collaborator"}), "users"),
    (frozenset({"photo", "photograph", "gallery", "image", "picture", "artwork"}), "image"),
    (frozenset({"event", "exhibition", "show", "talk", "concert", "workshop"}), "calendar"),
    (frozenset({"publication", "book", "press"}), "book"),
    (frozenset({"music", "album", "track", "song", "record"}), "music"),
    (frozenset({"video", "film", "movie"}), "video"),
    (frozenset({"testimonial", "review", "quote"}), "quote"),
    (frozenset({"award", "prize"}), "star"),
    (frozenset({"home", "index"}), "home"),
    (frozenset({"location", "place", "venue"}), "map"),
)
DEFAULT_ICON = "page"


class OfflineDomainMapper:
    slot = "mapping"
    name = "offline-mapping"

    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        # The conversation is not used yet: offline, the person refines the inferred schema
        # afterwards through the questionnaire, which edits the schema directly.
        entities = tuple(_entity(group) for group in entity_groups(documents))
        # Without a name from the person, the site is named as the material names it; when
        # it names nothing the name stays empty and the caller falls back (the folder's name).
        chosen = name.strip() or site_identity(documents).title
        return ContentSchema(name=chosen, entities=entities)


def _entity(group: EntityGroup) -> Entity:
    facts = [item_facts(section, group.entity_id) for section in group.sections]
    fields = [*_key_fields(facts), *_image_fields(facts)]
    if any(f.body is not None for f in facts):
        fields.append(Field(id=BODY_FIELD, label="Text", type=FieldType.MARKDOWN))
    is_collection = group.kind is EntityKind.COLLECTION
    if is_collection:
        # A heading names the listing as its writer wrote it ("Awards & Prizes").
        name = humanise(group.entity_id)
        plural_name = group.label or humanise(plural(group.entity_id))
    else:
        name = plural_name = humanise(group.entity_id)
    return Entity(
        id=group.entity_id,
        name=name,
        plural_name=plural_name,
        kind=group.kind,
        fields=tuple(fields),
        description=group.intro,
        icon=_icon(group.entity_id),
        sortable=is_collection,
    )


def _key_fields(facts: Sequence[ItemFacts]) -> list[Field]:
    labels: dict[str, str] = {}
    seen: dict[str, list[FieldType]] = {}
    for item in facts:
        for fact in item.fields:
            kind = classify(fact.value)
            if kind is None:
                continue  # nested front matter: no simple field holds it
            if kind is FieldType.TAGS and fact.field_id in PLACE_FIELDS:
                kind = FieldType.TEXT  # "Fana, Bergen, Norway" is one place, not three tags
            if fact.field_id not in seen and len(seen) >= MAX_KEY_FIELDS:
                continue
            labels.setdefault(fact.field_id, fact.label)
            seen.setdefault(fact.field_id, []).append(kind)
    fields = []
    for field_id, kinds in seen.items():
        kind = combine(kinds)
        width = Width.HALF if kind in _HALF_WIDTH_TYPES else Width.FULL
        fields.append(Field(id=field_id, label=labels[field_id], type=kind, width=width))
    return fields


def _image_fields(facts: Sequence[ItemFacts]) -> list[Field]:
    most = max((len(f.images) for f in facts), default=0)
    if most == 0:
        return []
    if most == 1:
        return [Field(id=COVER_FIELD, label="Cover", type=FieldType.IMAGE)]
    return [Field(id=GALLERY_FIELD, label="Gallery", type=FieldType.GALLERY)]


def _icon(entity_id: str) -> str:
    words = {singular(word) for word in entity_id.split("-")}
    return next((icon for keys, icon in _ICONS if words & keys), DEFAULT_ICON)


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [OfflineDomainMapper()]
