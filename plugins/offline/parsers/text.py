"""Plain-text parser: paragraphs, `Key: value` lines, list items and underlined headings."""

from __future__ import annotations

import re

from domain.documents import Block, BlockKind, Document, IngestLimits, SourceFile
from domain.errors import InvalidInput
from domain.ports import Skill
from plugins.hookspecs import hookimpl
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

TEXT_MEDIA_TYPE = "text/plain"
_MAX_HEADING_CHARS = 80
_SENTENCE_END = (".", "!", "?", ",", ";", ":")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+(\S.*)$")


class PlainTextParser:
    """Reads UTF-8 ``.txt`` files (or anything identified as text/plain).

    Blank lines separate paragraphs; a paragraph's lines are joined with '\\n'. A line that
    is the whole of its paragraph and is underlined with '===' (level 1) or '---' (level 2)
    is a heading; other '===' / '---' lines are separators.
    """

    slot = "parser.text"
    name = "text"
    media_types = frozenset({TEXT_MEDIA_TYPE})

    def accepts(self, source: SourceFile) -> bool:
        claimed = source.media_type == TEXT_MEDIA_TYPE or source.name.lower().endswith(".txt")
        return claimed and decode_text(source.data) is not None

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        decoded = read_text(source.data)
        if decoded is None:
            raise InvalidInput(f"{source.name} is not readable text.", code="unreadable")
        blocks = parse_text_blocks(split_lines(decoded.text))
        title = document_title(None, blocks, source.name)
        return Document(
            source=source.name,
            media_type=TEXT_MEDIA_TYPE,
            title=title,
            blocks=tuple(blocks),
            parser=self.name,
            encoding=decoded.encoding,
        )


def parse_text_blocks(lines: list[SourceLine]) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[SourceLine] = []

    def flush() -> None:
        if paragraph:
            text = "\n".join(line.stripped for line in paragraph)
            blocks.append(Block(kind=BlockKind.PARAGRAPH, text=text, locator=span(paragraph)))
            paragraph.clear()

    for line in lines:
        if not line.stripped:
            flush()
            continue
        level = underline_level(line.text)
        if level:
            if len(paragraph) == 1 and _reads_like_heading(paragraph[0].stripped):
                heading = paragraph[0]
                blocks.append(
                    Block(
                        kind=BlockKind.HEADING,
                        text=heading.stripped,
                        locator=span([heading, line]),
                        level=level,
                    )
                )
                paragraph.clear()
            else:
                flush()
            continue
        pair = key_value(line.text, paragraph[-1].stripped if paragraph else None)
        item = _LIST_ITEM.match(line.text)
        if item is not None and pair is None:
            pair = key_value(item.group(1))
        if pair is not None:
            flush()
            key, value = pair
            blocks.append(
                Block(kind=BlockKind.KEY_VALUE, text=value, locator=span([line]), key=key)
            )
        elif item is not None:
            flush()
            blocks.append(
                Block(kind=BlockKind.LIST_ITEM, text=item.group(1).strip(), locator=span([line]))
            )
        else:
            paragraph.append(line)
    flush()
    return blocks


def _reads_like_heading(text: str) -> bool:
    """A short line that does not end a sentence: underlined, it is a heading. A sentence
    above a dashed rule is the end of a block, and the rule a separator."""
    return len(text) <= _MAX_HEADING_CHARS and not text.endswith(_SENTENCE_END)


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [PlainTextParser()]
