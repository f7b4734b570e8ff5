"""Offline content structurer: the items of each entity, every value with its provenance.

Documents are matched to entities exactly as the mapper matched them (``shape``), and the
values are converted to the field types of the schema it is given, which may have been
edited since: a field the schema no longer has is left out, as is a value that does not fit
the field's type (a year in a date field) — nothing is invented to fill it.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.content import ContentItem, ItemStatus, Provenance, StructuredContent
from domain.documents import Document, Locator
from domain.ports import Skill
from domain.schema import ContentSchema, Entity, EntityKind, FieldType
from plugins.hookspecs import hookimpl
from plugins.offline.facts import (
    COVER_FIELD,
    GALLERY_FIELD,
    GUESSED_TITLE_CONFIDENCE,
    HEADING_TITLE_CONFIDENCE,
    TITLE_KEY,
    Fact,
    ItemFacts,
    item_facts,
    span_of,
)
from plugins.offline.naming import slugify
from plugins.offline.shape import Section, entity_groups
from plugins.offline.values import convert

FALLBACK_SLUG = "item"
_SINGLE_FILE_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE})


class OfflineContentStructurer:
    slot = "structuring"
    name = "offline-structuring"

    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        items: list[ContentItem] = []
        for group in entity_groups(documents):
            entity = schema.entity(group.entity_id)
            if entity is None:
                continue  # the entity was removed from the schema
            # A single page has one item; if the schema made a collection single, the
            # first section is that page.
            sections = (
                group.sections if entity.kind is EntityKind.COLLECTION else group.sections[:1]
            )
            slugs: set[str] = set()
            for sort, section in enumerate(sections, start=1):
                items.append(_item(entity, section, sort, slugs))
        return StructuredContent(items=tuple(items))


def _item(entity: Entity, section: Section, sort: int, slugs: set[str]) -> ContentItem:
    if entity.kind is EntityKind.SINGLE:
        slug = entity.id
    else:
        slug = _unique_slug(slugify(section.title) or FALLBACK_SLUG, slugs)
    facts = item_facts(section, entity.id)
    fields: dict[str, object] = {}
    provenance: dict[str, Provenance] = {TITLE_KEY: _title_provenance(section)}
    for field_id, (value, source) in _values(entity, facts).items():
        fields[field_id] = value
        provenance[field_id] = Provenance(
            document=section.document.source, locator=source.locator, confidence=source.confidence
        )
    return ContentItem(
        id=f"{entity.id}/{slug}",
        entity=entity.id,
        slug=slug,
        title=section.title,
        status=ItemStatus.LISTED,
        sort=sort,
        fields=fields,
        provenance=provenance,
    )


def _values(entity: Entity, facts: ItemFacts) -> dict[str, tuple[object, Fact]]:
    """Field id -> (converted value, the fact it came from) for every field given a value."""
    candidates = list(facts.fields)
    if facts.body is not None:
        candidates.append(facts.body)
    candidates.extend(_image_facts(entity, facts.images))
    found: dict[str, tuple[object, Fact]] = {}
    for fact in candidates:
        field = entity.field(fact.field_id)
        if field is None or field.id in found:
            continue
        value = convert(fact.value, field)
        if value is not None:
            found[field.id] = (value, fact)
    return found


def _image_facts(entity: Entity, images: tuple[Fact, ...]) -> list[Fact]:
    """Images go to the entity's media fields: one-file fields take the first image, the
    many-file fields take the rest (or all of them when there is no one-file field)."""
    if not images:
        return []
    media = [f for f in entity.fields if f.id in (COVER_FIELD, GALLERY_FIELD)]
    one_file = [f for f in media if f.type in _SINGLE_FILE_TYPES]
    many_files = [f for f in media if f.type not in _SINGLE_FILE_TYPES]
    facts = [attrs.evolve(images[0], field_id=f.id, label=f.label) for f in one_file]
    rest = images[1:] if one_file else images
    if rest:
        together = attrs.evolve(
            rest[0],
            value=[image.value for image in rest],
            locator=span_of([image.locator for image in rest]),
            confidence=min(image.confidence for image in rest),
        )
        facts.extend(attrs.evolve(together, field_id=f.id, label=f.label) for f in many_files)
    return facts


def _title_provenance(section: Section) -> Provenance:
    if section.title_locator is None:
        # Titled after the file name: say so with a low confidence and no position.
        return Provenance(
            document=section.document.source,
            locator=Locator(),
            confidence=GUESSED_TITLE_CONFIDENCE,
        )
    return Provenance(
        document=section.document.source,
        locator=section.title_locator,
        confidence=HEADING_TITLE_CONFIDENCE,
    )


def _unique_slug(candidate: str, used: set[str]) -> str:
    slug, counter = candidate, 1
    while slug in used:
        counter += 1
        slug = f"{candidate}-{counter}"
    used.add(slug)
    return slug


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [OfflineContentStructurer()]
