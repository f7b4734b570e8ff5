"""Markdown parser: front matter, headings, paragraphs, lists, `Key: value` lines, images, code.

Not a full CommonMark implementation: it recognises the block structure people use in notes.
Indented code blocks, HTML blocks and nested block quotes are kept as paragraph text, which
is still valid Markdown when it is written back out.
"""

from __future__ import annotations

import re

from domain.documents import Block, BlockKind, Document, IngestLimits, Locator, SourceFile
from domain.errors import InvalidInput
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.parsers.frontmatter import read_front_matter
from plugins.offline.parsers.tables import is_delimiter_row, split_markdown_row, table_blocks
from plugins.offline.parsers.textlines import (
    SourceLine,
    decode_text,
    key_value,
    read_text,
    span,
    split_lines,
    underline_level,
)
from plugins.offline.parsers.titles import document_title

MARKDOWN_MEDIA_TYPE = "text/markdown"
MARKDOWN_SUFFIXES = (".md", ".markdown")

# "#Title" without a space is a heading too: people write it that way.
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*)|([^#\s].*))?$")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^`]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^( {0,3})(?:[-*+]|\d{1,9}[.)])[ \t]+(\S.*)$")
# Bounded repeats keep a long line of "![" from costing quadratic time.
_IMAGE = re.compile(r'!\[(?P<alt>[^\]]{0,500})\]\((?:<(?P<bracketed>[^>]{1,2000})>|'
                    r'(?P<plain>[^)\s]{1,2000}))(?:\s+"(?P<title>[^"]{0,500})")?\)')  # fmt: skip
# "**Client:** ACME" and "**Client**: ACME" are how people bold their field names.
_BOLD_KEY = re.compile(r"^(\*\*|__)([^*_:]{1,41})(?::\1|\1:)(\s+\S.*)$")


class MarkdownParser:
    """Reads UTF-8 Markdown files, with optional YAML front matter."""

    slot = "parser.markdown"
    name = "markdown"
    media_types = frozenset({MARKDOWN_MEDIA_TYPE, "text/x-markdown"})

    def accepts(self, source: SourceFile) -> bool:
        claimed = source.media_type in self.media_types or source.name.lower().endswith(
            MARKDOWN_SUFFIXES
        )
        return claimed and decode_text(source.data) is not None

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        decoded = read_text(source.data)
        if decoded is None:
            raise InvalidInput(f"{source.name} is not readable text.", code="unreadable")
        lines = split_lines(decoded.text)
        front = read_front_matter(lines, source.name)
        body = lines[front.body_start :] if front else lines
        blocks = _MarkdownBlocks().parse(body)
        return Document(
            source=source.name,
            media_type=MARKDOWN_MEDIA_TYPE,
            title=document_title((front.data if front else {}).get("title"), blocks, source.name),
            blocks=tuple(blocks),
            front_matter=front.data if front else {},
            front_matter_locator=front.locator if front else None,
            parser=self.name,
            encoding=decoded.encoding,
        )


class _MarkdownBlocks:
    """A line-by-line block scanner; one instance parses one document."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.paragraph: list[SourceLine] = []
        self.list_item: list[SourceLine] = []
        self.tables = 0

    def parse(self, lines: list[SourceLine]) -> list[Block]:
        index = 0
        while index < len(lines):
            index = self._line(lines, index)
        self._flush()
        return self.blocks

    def _line(self, lines: list[SourceLine], index: int) -> int:
        """Consume the line at ``index`` (and any it owns); return the next index."""
        line = lines[index]
        if not line.stripped:
            self._flush()
            return index + 1
        fence = _FENCE.match(line.text)
        if fence is not None:
            self._flush()
            return self._code(lines, index, fence)
        heading = _ATX.match(line.text)
        if heading is not None:
            self._flush()
            text = _without_closing_hashes((heading.group(2) or heading.group(3) or "").strip())
            if text:
                self._add(BlockKind.HEADING, text, span([line]), level=len(heading.group(1)))
            return index + 1
        level = underline_level(line.text)
        if level and self.paragraph:
            # A setext heading: the paragraph above the underline becomes the heading text.
            text = " ".join(p.stripped for p in self.paragraph)
            self._add(BlockKind.HEADING, text, span([*self.paragraph, line]), level=level)
            self.paragraph.clear()
            return index + 1
        if _THEMATIC_BREAK.match(line.text):
            self._flush()
            return index + 1
        if not self.paragraph and not self.list_item:
            after_table = self._table(lines, index)
            if after_table is not None:
                return after_table
        if self._images(line) or self._key_value(line) or self._list_item(line):
            return index + 1
        if self.list_item and line.text[:1] in (" ", "\t"):
            self.list_item.append(line)  # an indented continuation of the open list item
        else:
            self._flush_list_item()
            self.paragraph.append(line)
        return index + 1

    def _code(self, lines: list[SourceLine], index: int, fence: re.Match[str]) -> int:
        indent, marker = len(fence.group(1)), fence.group(2)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i].text)), None)
        inner = lines[index + 1 : end if end is not None else len(lines)]
        text = "\n".join(_dedent(line.text, indent) for line in inner)
        last = end if end is not None else len(lines) - 1
        self._add(BlockKind.CODE, text, span([lines[index], lines[last]]))
        return last + 1

    def _table(self, lines: list[SourceLine], index: int) -> int | None:
        """A pipe table (header line, delimiter line, rows): one block per row; returns the
        index after it, or None when the lines at ``index`` are not a table."""
        header = split_markdown_row(lines[index].text)
        if header is None or index + 1 >= len(lines):
            return None
        delimiter = split_markdown_row(lines[index + 1].text)
        if delimiter is None or len(delimiter) != len(header) or not is_delimiter_row(delimiter):
            return None
        rows = []
        end = index + 2
        while end < len(lines) and lines[end].stripped:
            cells = split_markdown_row(lines[end].text)
            if cells is None:
                break
            rows.append((cells, span([lines[end]])))
            end += 1
        self.tables += 1
        self.blocks.extend(table_blocks(header, rows, self.tables))
        return end

    def _images(self, line: SourceLine) -> bool:
        """A line holding only images gives one image block per image."""
        matches = list(_IMAGE.finditer(line.text))
        if not matches or _IMAGE.sub("", line.text).strip():
            return False
        self._flush()
        for match in matches:
            target = (match.group("bracketed") or match.group("plain")).strip()
            locator = Locator(
                line=line.number,
                end_line=line.number,
                char_start=line.start + match.start(),
                char_end=line.start + match.end(),
            )
            alt = match.group("alt").strip()
            self._add(BlockKind.IMAGE, alt, locator, target=target)
            title = " ".join((match.group("title") or "").split())
            if title and title != alt:
                # An image's title is its caption: it stays on the page, below the image.
                self._add(BlockKind.PARAGRAPH, title, locator)
        return True

    def _key_value(self, line: SourceLine, text: str | None = None) -> bool:
        candidate = line.stripped if text is None else text
        bold = _BOLD_KEY.match(candidate)
        if bold is not None:
            candidate = f"{bold.group(2)}:{bold.group(3)}"
        previous = self.paragraph[-1].stripped if self.paragraph and text is None else None
        pair = key_value(candidate, previous)
        if pair is None:
            return False
        self._flush()
        self._add(BlockKind.KEY_VALUE, pair[1], span([line]), key=pair[0])
        return True

    def _list_item(self, line: SourceLine) -> bool:
        item = _LIST_ITEM.match(line.text)
        if item is None:
            return False
        if self._key_value(line, item.group(2)):  # "- Year: 2021" is a field, not a bullet
            return True
        self._flush()
        self.list_item.append(line)
        return True

    def _flush(self) -> None:
        self._flush_list_item()
        if self.paragraph:
            text = "\n".join(line.stripped for line in self.paragraph)
            self._add(BlockKind.PARAGRAPH, text, span(self.paragraph))
            self.paragraph.clear()

    def _flush_list_item(self) -> None:
        if self.list_item:
            first = _LIST_ITEM.match(self.list_item[0].text)
            head = first.group(2).strip() if first else self.list_item[0].stripped
            text = " ".join([head, *(line.stripped for line in self.list_item[1:])])
            self._add(BlockKind.LIST_ITEM, text, span(self.list_item))
            self.list_item.clear()

    def _add(
        self,
        kind: BlockKind,
        text: str,
        locator: Locator,
        *,
        level: int = 0,
        key: str | None = None,
        target: str | None = None,
    ) -> None:
        self.blocks.append(
            Block(kind=kind, text=text, locator=locator, level=level, key=key, target=target)
        )


def _without_closing_hashes(text: str) -> str:
    """'Title ##' -> 'Title'; 'C#' keeps its hash (a closing run follows a space)."""
    opened = text.rstrip("#")
    if not opened:
        return ""
    return opened.rstrip() if opened[-1] in " \t" else text


def _dedent(text: str, indent: int) -> str:
    """Remove up to ``indent`` leading spaces (the indentation of the opening fence)."""
    removable = len(text) - len(text.lstrip(" "))
    return text[min(indent, removable) :]


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [MarkdownParser()]
