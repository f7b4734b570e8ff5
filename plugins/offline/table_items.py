"""Tables as collections: each table of a document lists items of one kind, a row per item.

The kind is named after the heading just above the table (``## Exhibitions`` ->
``exhibition``), else after the file. Each row is one item: its title is the cell of a
title-like column (title, name…), else of the first column, and every other column becomes a
`Key: value` fact of the item, located at the row.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.documents import Block, BlockKind, Document

TITLE_COLUMNS = ("title", "name", "project", "work", "item")
MIN_COLUMNS = 2


@attrs.frozen
class Table:
    heading: Block | None
    rows: tuple[Block, ...]


def tables_of(document: Document) -> list[Table]:
    """The tables of a document (consecutive rows of one table number), with their heading."""
    tables: list[Table] = []
    heading: Block | None = None
    current: list[Block] = []
    for block in document.blocks:
        if block.kind is BlockKind.TABLE_ROW:
            if current and current[-1].level != block.level:
                tables.append(Table(heading, tuple(current)))
                current = []
            current.append(block)
            continue
        if current:
            tables.append(Table(heading, tuple(current)))
            current = []
        if block.kind is BlockKind.HEADING:
            heading = block
    if current:
        tables.append(Table(heading, tuple(current)))
    return [t for t in tables if len(t.rows[0].columns) >= MIN_COLUMNS]


def title_column(columns: Sequence[str]) -> int:
    lowered = [c.strip().lower() for c in columns]
    return next((lowered.index(name) for name in TITLE_COLUMNS if name in lowered), 0)


def row_item(row: Block) -> tuple[str, list[Block]]:
    """(title, `Key: value` blocks) of one table row."""
    index = title_column(row.columns)
    title = row.cells[index] if index < len(row.cells) else ""
    facts = [
        Block(BlockKind.KEY_VALUE, cell, row.locator, key=column)
        for position, (column, cell) in enumerate(zip(row.columns, row.cells, strict=False))
        if position != index and cell.strip()
    ]
    return title, facts


def without_tables(document: Document) -> Document:
    """The document with its table rows (and the headings that only named a table) removed."""
    tables = tables_of(document)
    headings = {id(t.heading) for t in tables if t.heading is not None}
    rows = {id(row) for t in tables for row in t.rows}
    kept: list[Block] = []
    blocks = document.blocks
    for index, block in enumerate(blocks):
        if id(block) in rows:
            continue
        if id(block) in headings and _only_names_a_table(blocks, index):
            continue
        kept.append(block)
    return attrs.evolve(document, blocks=tuple(kept))


def _only_names_a_table(blocks: Sequence[Block], index: int) -> bool:
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return following is not None and following.kind is BlockKind.TABLE_ROW
