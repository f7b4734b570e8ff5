"""The body of a Word document as blocks: headings, paragraphs, list items, `Key: value`
lines and tables, with locators numbering paragraphs and tables from 1 in reading order.

Used inside the DOCX child process; it imports nothing heavier than the domain.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from domain.documents import (
    Block,
    BlockKind,
    IngestLimits,
    Locator,
    RejectedInput,
    RejectionCode,
)
from plugins.offline.parsers.tables import table_blocks
from plugins.offline.parsers.textlines import key_value

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W = W
_HEADING_STYLE = re.compile(r"^heading\s*([1-6])$", re.I)


class BodyReader:
    """Walks the body once; ``offset`` is where the next paragraph starts in the text."""

    def __init__(self, limits: IngestLimits) -> None:
        self.limits = limits
        self.blocks: list[Block] = []
        self.number = 0
        self.offset = 0
        self.tables = 0

    def read(self, body: Element) -> list[Block]:
        for child in body:
            self.read_child(child)
        return self.blocks

    def read_child(self, child: Element) -> None:
        """One child of the body, complete (the streaming reader hands them over one by one)."""
        if child.tag == f"{_W}p":
            self._paragraph(child)
        elif child.tag == f"{_W}tbl":
            self._table(child)
        elif child.tag == f"{_W}sdt":  # content controls wrap ordinary paragraphs
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                self.read(content)

    def _locate(self, text: str) -> Locator:
        self.number += 1
        start = self.offset
        self.offset += len(text) + 1
        if self.offset > self.limits.max_text_chars:
            raise RejectedInput(
                RejectionCode.LIMIT_EXCEEDED,
                f"more text than max_text_chars={self.limits.max_text_chars}",
            )
        return Locator(paragraph=self.number, char_start=start, char_end=start + len(text))

    def _paragraph(self, element: Element) -> None:
        text = paragraph_text(element).strip()
        locator = self._locate(text)
        if not text:
            return
        style = element.find(f"{_W}pPr/{_W}pStyle")
        style_name = style.get(f"{_W}val", "") if style is not None else ""
        heading = _HEADING_STYLE.match(style_name)
        if style_name.lower() == "title" or heading:
            level = int(heading.group(1)) if heading else 1
            self.blocks.append(Block(BlockKind.HEADING, text, locator, level=level))
            return
        pair = key_value(text)
        if pair is not None:
            self.blocks.append(Block(BlockKind.KEY_VALUE, pair[1], locator, key=pair[0]))
        elif element.find(f"{_W}pPr/{_W}numPr") is not None or style_name.lower().startswith(
            "list"
        ):
            self.blocks.append(Block(BlockKind.LIST_ITEM, text, locator))
        else:
            self.blocks.append(Block(BlockKind.PARAGRAPH, text, locator))

    def _table(self, element: Element) -> None:
        rows = []
        for row in element.findall(f"{_W}tr"):
            cells = [
                " ".join(paragraph_text(p).strip() for p in cell.iter(f"{_W}p")).strip()
                for cell in row.findall(f"{_W}tc")
            ]
            rows.append((cells, self._locate(" | ".join(cells))))
        if len(rows) < 2:
            return
        self.tables += 1
        self.blocks.extend(table_blocks(rows[0][0], rows[1:], self.tables))


def paragraph_text(element: Element) -> str:
    """The visible text of a paragraph: runs' text, tabs and breaks (deleted text left out)."""
    pieces: list[str] = []
    for node in element.iter():
        if node.tag == f"{_W}t" and node.text:
            pieces.append(node.text)
        elif node.tag == f"{_W}tab":
            pieces.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            pieces.append("\n")
    return "".join(pieces)
