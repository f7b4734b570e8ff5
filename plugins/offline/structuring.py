"""Offline content structurer: the items of each entity, every value with its provenance.

Documents are matched to entities exactly as the mapper matched them (``shape``), and the
values are converted to the field types of the schema it is given, which may have been
edited since: a field the schema no longer has is left out, as is a value that does not fit
the field's type (a year in a date field) — nothing is invented to fill it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import attrs

from domain.content import (
    ContentItem,
    ItemStatus,
    NoteAction,
    Provenance,
    StructuredContent,
    ValueNote,
)
from domain.documents import Document, Locator
from domain.names import NumberedNames
from domain.ports import Skill
from domain.schema import ContentSchema, Entity, EntityKind, FieldType
from plugins.hookspecs import hookimpl
from plugins.offline.facts import (
    BODY_FIELD,
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
from plugins.offline.identity import site_identity
from plugins.offline.naming import slugify
from plugins.offline.shape import Section, entity_groups
from plugins.offline.values import as_text, convert, convert_noted

FALLBACK_SLUG = "item"
_SINGLE_FILE_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE})


class OfflineContentStructurer:
    slot = "structuring"
    name = "offline-structuring"

    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        items: list[ContentItem] = []
        notes: list[ValueNote] = []
        for group in entity_groups(documents):
            entity = schema.entity(group.entity_id)
            if entity is None:
                notes.extend(
                    _unplaced(s, f"the schema has no '{group.entity_id}'") for s in group.sections
                )
                continue  # the entity was removed from the schema
            # A single page has one item; if the schema made a collection single, the
            # first section is that page.
            single = entity.kind is not EntityKind.COLLECTION
            sections = group.sections[:1] if single else group.sections
            notes.extend(
                _unplaced(s, f"'{entity.name}' is a single page and this is another one")
                for s in group.sections[len(sections) :]
            )
            slugs = NumberedNames()
            for sort, section in enumerate(sections, start=1):
                item, item_notes = _item(entity, section, sort, slugs)
                items.append(item)
                notes.extend(item_notes)
        return StructuredContent(
            items=tuple(items), notes=tuple(notes), identity=site_identity(documents)
        )


def _item(
    entity: Entity, section: Section, sort: int, slugs: NumberedNames
) -> tuple[ContentItem, list[ValueNote]]:
    if entity.kind is EntityKind.SINGLE:
        slug = entity.id
    else:
        slug = slugs.claim(slugify(section.title) or FALLBACK_SLUG)
    item_id = f"{entity.id}/{slug}"
    facts = item_facts(section, entity.id)
    fields: dict[str, object] = {}
    provenance: dict[str, Provenance] = {TITLE_KEY: _title_provenance(section)}
    placed, notes = _values(entity, facts, item_id)
    for field_id, (value, source) in placed.items():
        fields[field_id] = value
        provenance[field_id] = Provenance(
            document=section.document.source, locator=source.locator, confidence=source.confidence
        )
    item = ContentItem(
        id=item_id,
        entity=entity.id,
        slug=slug,
        title=section.title,
        status=ItemStatus.LISTED,
        sort=sort,
        fields=fields,
        provenance=provenance,
    )
    return item, notes


def _values(
    entity: Entity, facts: ItemFacts, item_id: str
) -> tuple[dict[str, tuple[object, Fact]], list[ValueNote]]:
    """Field id -> (converted value, the fact it came from) for every field given a value,
    and a note for every value not stored as written.

    A value that does not fit its field is written into the item's text (``Year: soon``)
    when the entity has a text field, so the page still says it; either way it is noted.
    """
    candidates = list(facts.fields)
    candidates.extend(_image_facts(entity, facts.images))
    found: dict[str, tuple[object, Fact]] = {}
    notes: list[ValueNote] = []
    misfits: list[Fact] = []
    document = facts.section.document.source
    for fact in candidates:
        field = entity.field(fact.field_id)
        if field is None:
            misfits.append(fact)
            notes.append(_note(item_id, fact, document, "the schema has no such field"))
            continue
        if field.id in found:
            misfits.append(fact)
            notes.append(_note(item_id, fact, document, "the item already has a value here"))
            continue
        converted = convert_noted(fact.value, field)
        if converted.value is None:
            misfits.append(fact)
            notes.append(_note(item_id, fact, document, f"it is not a {field.type.value}"))
            continue
        found[field.id] = (converted.value, fact)
        if converted.note:
            notes.append(
                _note(
                    item_id,
                    fact,
                    document,
                    converted.note,
                    action=NoteAction.COERCED,
                    stored=converted.value,
                )
            )
    body = facts.body
    text_field = entity.field(BODY_FIELD)
    kept = [
        f for f in misfits if isinstance(f.value, str | int | float) and f.field_id != COVER_FIELD
    ]
    if text_field is not None and kept:
        lines = "\n".join(f"{f.label}: {f.value}" for f in kept)
        written = f"{body.value}\n\n{lines}" if body is not None else lines
        body = (
            attrs.evolve(body, value=written)
            if body is not None
            else Fact(BODY_FIELD, "Text", lines, kept[0].locator, kept[0].confidence)
        )
        notes = [
            attrs.evolve(n, action=NoteAction.KEPT_IN_TEXT)
            if n.action is NoteAction.LEFT_OUT and any(n.field == f.field_id for f in kept)
            else n
            for n in notes
        ]
    if body is not None:
        field = entity.field(body.field_id)
        value = convert(body.value, field) if field is not None else None
        if value is not None and field is not None:
            found.setdefault(field.id, (value, body))
        else:
            notes.append(_note(item_id, body, document, "the schema has no text field"))
    return found, notes


def _note(
    item_id: str,
    fact: Fact,
    document: str,
    reason: str,
    *,
    action: NoteAction = NoteAction.LEFT_OUT,
    stored: object = None,
) -> ValueNote:
    return ValueNote(
        item=item_id,
        field=fact.field_id,
        written=as_text(fact.value) or _as_json(fact.value),
        action=action,
        reason=reason,
        document=document,
        line=fact.locator.line,
        page=fact.locator.page,
        stored="" if stored is None else as_text(stored) or "",
    )


def _as_json(value: object) -> str:
    """Nested front matter (a mapping, a list of mappings) as it was given, for the report."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _unplaced(section: Section, reason: str) -> ValueNote:
    """A whole section the content has no place for, noted with its title and text."""
    text = "\n\n".join(
        [section.title, *(f"{b.key}: {b.text}" if b.key else b.text for b in section.blocks)]
    )
    locator = section.title_locator or (section.blocks[0].locator if section.blocks else Locator())
    return ValueNote(
        item="",
        field="",
        written=text,
        action=NoteAction.LEFT_OUT,
        reason=reason,
        document=section.document.source,
        line=locator.line,
        page=locator.page,
    )


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


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [OfflineContentStructurer()]
