"""Tables as blocks: one TABLE_ROW block per body row, carrying its table's header.

Shared by the Markdown, HTML, DOCX and JSON parsers, so a table reads the same whatever
format it came in: the first row is the header, cells are stripped, rows are padded or cut
to the header's width, and a table needs a header and at least one row to count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.documents import Block, BlockKind, Locator
from domain.names import NumberedNames

# GitHub-style delimiter row: | --- | :---: | ---: |
_DELIMITER_CELL = re.compile(r"^:?-{1,}:?$")
MAX_COLUMNS = 50


def split_markdown_row(text: str) -> list[str] | None:
    """The cells of a Markdown table line, or None when the line is not one.

    Escaped pipes (``\\|``) stay inside their cell.
    """
    stripped = text.strip()
    if "|" not in stripped:
        return None
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", stripped)]
    return cells if len(cells) >= 2 or text.strip().startswith("|") else None


def is_delimiter_row(cells: Sequence[str]) -> bool:
    return bool(cells) and all(_DELIMITER_CELL.match(cell.replace(" ", "")) for cell in cells)


def table_blocks(
    header: Sequence[str], rows: Sequence[tuple[Sequence[str], Locator]], table_number: int
) -> list[Block]:
    """TABLE_ROW blocks for ``rows`` under ``header``; empty when there is no usable header."""
    columns = tuple(_column_names(header[:MAX_COLUMNS]))
    if not columns or not rows:
        return []
    blocks = []
    for cells, locator in rows:
        padded = [*(c.strip() for c in cells[: len(columns)])]
        padded += [""] * (len(columns) - len(padded))
        if not any(padded):
            continue
        blocks.append(
            Block(
                kind=BlockKind.TABLE_ROW,
                text=" | ".join(padded),
                locator=locator,
                level=table_number,
                columns=columns,
                cells=tuple(padded),
            )
        )
    return blocks


def _column_names(header: Sequence[str]) -> list[str]:
    """Header cells with blanks named 'Column N' and repeats numbered, so each is a key."""
    names = NumberedNames(separator=" ")
    return [
        names.claim(" ".join(cell.split()) or f"Column {index}")
        for index, cell in enumerate(header, start=1)
    ]
