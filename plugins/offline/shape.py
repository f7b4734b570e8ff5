"""Which kind of thing each document describes, judged from its shape.

The mapper and the structurer both call ``entity_groups`` so that a document always lands in
the same entity, in the same items, in the same order. The rules:

* A file with two or more headings of one level (1, else 2) that each hold content is a
  *collection* file: each such heading starts one item (``projects.md`` -> ``project``).
  So is a file of repeated `Key: value` blocks (``records``): one item per block.
  What such a file says outside its items (its heading, an introduction) belongs to the
  listing page: it is the group's ``label`` and ``intro``.
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
  tables makes no page of its own; the text around a table of its own kind is the listing's.
* A single file whose keys match the items of a collection file joins that collection.
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
from domain.names import NumberedNames
from domain.schema import EntityKind
from plugins.offline.entity_keys import SINGLE_PAGE_NAMES, entity_keys, entity_slug, id_slug
from plugins.offline.key_shapes import block_key_set
from plugins.offline.naming import singular
from plugins.offline.records import find_records
from plugins.offline.table_items import row_item, tables_of, without_tables

ITEM_LEVELS = (1, 2)
# The item level of a file of repeated `Key: value` records (no heading level starts them).
RECORDS_LEVEL = 0
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
    # For a collection: the heading its files give it (verbatim) and what they say outside
    # their items, as Markdown; both belong to the listing page.
    label: str = ""
    intro: str = ""


def entity_groups(documents: Sequence[Document]) -> list[EntityGroup]:
    from plugins.offline.image_links import is_image_document, link_images

    ordered = sorted(documents, key=lambda d: (d.source.casefold(), d.source))
    images = [d for d in ordered if is_image_document(d)]
    texts: list[Document] = []
    table_rows: dict[str, list[Section]] = {}
    table_labels: dict[str, str] = {}
    table_docs: dict[str, set[str]] = {}
    for doc in ordered:
        if is_image_document(doc):
            continue
        tables = tables_of(doc)
        for table in tables:
            named = singular(id_slug(table.heading.text) if table.heading else entity_slug(doc))
            table_rows.setdefault(named, []).extend(_row_sections(doc, table.rows))
            table_docs.setdefault(named, set()).add(doc.source)
            if table.heading is not None:
                table_labels.setdefault(named, table.heading.text)
        rest = without_tables(doc) if tables else doc
        if not tables or any(b.kind is not BlockKind.HEADING for b in rest.blocks):
            texts.append(rest)
    levels = {id(d): item_level(d) for d in texts}
    item_keys = {
        id(d): [block_key_set(s.blocks) for s in _sections(d, levels[id(d)])]
        for d in texts
        if levels[id(d)] is not None
    }
    keys = entity_keys(texts, levels, item_keys)
    grouped: dict[str, list[Document]] = {}
    for doc in texts:
        grouped.setdefault(keys[id(doc)], []).append(doc)
    for key in table_rows:
        grouped.setdefault(key, [])
    groups: list[EntityGroup] = []
    entity_ids = NumberedNames()
    for key, docs in grouped.items():
        rows = table_rows.get(key, [])
        is_collection = len(docs) > 1 or bool(rows) or any(levels[id(d)] is not None for d in docs)
        entity_id = entity_ids.claim(key if is_collection else entity_slug(docs[0]))
        listing = _Listing(table_labels.get(key, ""))
        sections: list[Section] = []
        for doc in docs:
            level = levels[id(doc)]
            if level is None and doc.source in table_docs.get(key, set()):
                listing.add(doc.blocks)  # the text around a table of this file's own kind
            elif level is None:
                sections.append(_whole_document(doc))
            else:
                listing.add(_outside_items(doc, level))
                sections.extend(_sections(doc, level))
        sections.extend(rows)
        sources: dict[str, Document] = {}
        for doc in [*docs, *(s.document for s in rows)]:
            sources.setdefault(doc.source, doc)
        groups.append(
            EntityGroup(
                entity_id=entity_id,
                kind=EntityKind.COLLECTION if is_collection else EntityKind.SINGLE,
                documents=tuple(sources.values()),
                sections=tuple(sections),
                label=listing.label if is_collection else "",
                intro=listing.markdown() if is_collection else "",
            )
        )
    return link_images(groups, images)


class _Listing:
    """What a collection's files say outside their items: the first heading names the
    listing, the rest is its introduction."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.blocks: list[Block] = []

    def add(self, blocks: Sequence[Block]) -> None:
        for block in blocks:
            if block.kind is BlockKind.HEADING and not self.label and not self.blocks:
                self.label = block.text
            elif not (block.kind is BlockKind.HEADING and block.text == self.label):
                self.blocks.append(block)

    def markdown(self) -> str:
        from plugins.offline.facts import to_markdown

        return to_markdown(self.blocks)


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
    """The heading level that starts items in a collection file, ``RECORDS_LEVEL`` for a
    file of repeated `Key: value` records, or None for a single page."""
    if entity_slug(document) in SINGLE_PAGE_NAMES:
        return None
    for level in ITEM_LEVELS:
        if len(_headed_spans(document.blocks, level)) >= _MIN_ITEMS:
            return level
    if find_records(document.blocks) is not None:
        return RECORDS_LEVEL
    return None


def _sections(document: Document, level: int | None) -> list[Section]:
    if level is None:
        return [_whole_document(document)]
    if level == RECORDS_LEVEL:
        found = find_records(document.blocks)
        return [
            Section(
                document=document,
                title=record.title,
                title_locator=record.title_block.locator if record.title_block else None,
                blocks=record.blocks,
                whole_document=False,
            )
            for record in (found.records if found else ())
        ]
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


def _outside_items(document: Document, level: int) -> list[Block]:
    """The blocks of a collection file that belong to none of its items."""
    if level == RECORDS_LEVEL:
        found = find_records(document.blocks)
        return list(found.preamble) if found else []
    inside = {
        id(b) for heading, body in _headed_spans(document.blocks, level) for b in (heading, *body)
    }
    return [b for b in document.blocks if id(b) not in inside]


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
        (b for b in document.blocks if b.kind is BlockKind.HEADING and b.text == document.title),
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
