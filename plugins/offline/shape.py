"""Which kind of thing each document describes, judged from its shape.

The mapper and the structurer both call ``entity_groups`` so that a document always lands in
the same entity, in the same items, in the same order. The rules:

* A file with two or more headings of one level (1, else 2) that each hold content is a
  *collection* file: each such heading starts one item (``projects.md`` -> ``project``).
  Files whose name says they are one page (about, contact, cv…) stay single pages even when
  they are divided into sections.
* Two or more single-shaped files in the same folder (``projects/alpha.md``,
  ``projects/beta.md``) are the items of a collection named after the folder, unless the
  folder is a generic container (content, docs, notes…).
* Single-shaped files that use the same keys (``key_shapes``: two or more shared, Jaccard
  similarity of the key sets 0.6 or more) are the items of one collection wherever they are
  and whatever they are called (``entity_keys`` says how it is named).
* Any other file is a *single* page whose entity id is its file name (``about.md`` ->
  ``about``).
* Each table (Markdown, HTML, DOCX, JSON) lists items of one kind, one per row, named after
  the heading above the table, else the file (``table_items``). A file that holds only
  tables makes no page of its own.
* Everything that ends up with the same singular id merges into one entity: one entity per
  kind of thing, not per file. Several files for one single page make it a collection.
* Images are not entities: each is linked to the item that mentions it or, failing that,
  to the only document in its folder (``image_links``).

Documents are taken in order of their source path, so the order they arrive in does not
change the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.documents import Block, BlockKind, Document, Locator
from domain.schema import EntityKind
from plugins.offline.entity_keys import SINGLE_PAGE_NAMES, entity_keys, entity_slug, id_slug
from plugins.offline.naming import singular
from plugins.offline.table_items import row_item, tables_of, without_tables

ITEM_LEVELS = (1, 2)
_MIN_ITEMS = 2


@attrs.frozen
class Section:
    """The blocks that describe one content item.

    ``blocks`` excludes the item's own heading (or, for a whole document, its title heading).
    ``whole_document`` is true when the item is a whole file, whose front matter is then its own.
    """

    document: Document
    title: str
    title_locator: Locator | None
    blocks: tuple[Block, ...]
    whole_document: bool


@attrs.frozen
class EntityGroup:
    entity_id: str
    kind: EntityKind
    documents: tuple[Document, ...]
    sections: tuple[Section, ...]


def entity_groups(documents: Sequence[Document]) -> list[EntityGroup]:
    from plugins.offline.image_links import is_image_document, link_images

    ordered = sorted(documents, key=lambda d: (d.source.casefold(), d.source))
    images = [d for d in ordered if is_image_document(d)]
    texts: list[Document] = []
    table_rows: dict[str, list[Section]] = {}
    for doc in ordered:
        if is_image_document(doc):
            continue
        tables = tables_of(doc)
        for table in tables:
            named = id_slug(table.heading.text) if table.heading else entity_slug(doc)
            table_rows.setdefault(singular(named), []).extend(_row_sections(doc, table.rows))
        rest = without_tables(doc) if tables else doc
        if not tables or any(b.kind is not BlockKind.HEADING for b in rest.blocks):
            texts.append(rest)
    levels = {id(d): item_level(d) for d in texts}
    keys = entity_keys(texts, levels)
    grouped: dict[str, list[Document]] = {}
    for doc in texts:
        grouped.setdefault(keys[id(doc)], []).append(doc)
    for key in table_rows:
        grouped.setdefault(key, [])
    groups: list[EntityGroup] = []
    used: set[str] = set()
    for key, docs in grouped.items():
        rows = table_rows.get(key, [])
        is_collection = len(docs) > 1 or bool(rows) or any(levels[id(d)] for d in docs)
        entity_id = _unique(key if is_collection else entity_slug(docs[0]), used)
        sections = [s for d in docs for s in _sections(d, levels[id(d)])] + rows
        sources: dict[str, Document] = {}
        for doc in [*docs, *(s.document for s in rows)]:
            sources.setdefault(doc.source, doc)
        groups.append(
            EntityGroup(
                entity_id=entity_id,
                kind=EntityKind.COLLECTION if is_collection else EntityKind.SINGLE,
                documents=tuple(sources.values()),
                sections=tuple(sections),
            )
        )
    return link_images(groups, images)


def _row_sections(document: Document, rows: Sequence[Block]) -> list[Section]:
    sections = []
    for number, row in enumerate(rows, start=1):
        title, facts = row_item(row)
        sections.append(
            Section(
                document=document,
                title=title or f"Row {number}",
                title_locator=row.locator if title else None,
                blocks=tuple(facts),
                whole_document=False,
            )
        )
    return sections


def item_level(document: Document) -> int | None:
    """The heading level that starts items in a collection file, or None for a single page."""
    if entity_slug(document) in SINGLE_PAGE_NAMES:
        return None
    for level in ITEM_LEVELS:
        if len(_headed_spans(document.blocks, level)) >= _MIN_ITEMS:
            return level
    return None


def _unique(candidate: str, used: set[str]) -> str:
    entity_id, counter = candidate, 1
    while entity_id in used:
        counter += 1
        entity_id = f"{candidate}-{counter}"
    used.add(entity_id)
    return entity_id


def _sections(document: Document, level: int | None) -> list[Section]:
    if level is None:
        return [_whole_document(document)]
    return [
        Section(
            document=document,
            title=heading.text,
            title_locator=heading.locator,
            blocks=tuple(body),
            whole_document=False,
        )
        for heading, body in _headed_spans(document.blocks, level)
    ]


def _headed_spans(blocks: Sequence[Block], level: int) -> list[tuple[Block, list[Block]]]:
    """Each heading of ``level`` with the blocks up to the next heading of that level or
    higher, keeping only headings whose span holds something other than headings."""
    spans: list[tuple[Block, list[Block]]] = []
    current: tuple[Block, list[Block]] | None = None
    for block in blocks:
        if block.kind is BlockKind.HEADING and block.level <= level:
            if current is not None:
                spans.append(current)
            current = (block, []) if block.level == level else None
        elif current is not None:
            current[1].append(block)
    if current is not None:
        spans.append(current)
    return [(h, body) for h, body in spans if any(b.kind is not BlockKind.HEADING for b in body)]


def _whole_document(document: Document) -> Section:
    title_heading = next(
        (
            b
            for b in document.blocks
            if b.kind is BlockKind.HEADING and b.level == 1 and b.text == document.title
        ),
        None,
    )
    declared = document.front_matter.get("title")
    if declared is not None and str(declared).strip() == document.title:
        title_locator = document.front_matter_locator
    else:
        title_locator = title_heading.locator if title_heading else None
    return Section(
        document=document,
        title=document.title,
        title_locator=title_locator,
        blocks=tuple(b for b in document.blocks if b is not title_heading),
        whole_document=True,
    )
