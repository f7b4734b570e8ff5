"""HTML parser (stdlib ``html.parser``): headings, paragraphs, list items, images, code,
`Key: value` paragraphs and tables.

Scripts, styles and other invisible parts are skipped; nothing is fetched or run. Locators
give the lines and the character span of each block's markup in the decoded text.
"""

from __future__ import annotations

import bisect
from html.parser import HTMLParser

from domain.documents import Block, BlockKind, Document, IngestLimits, Locator, SourceFile
from domain.errors import InvalidInput
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.naming import humanise, source_stem
from plugins.offline.parsers.tables import table_blocks
from plugins.offline.parsers.textlines import decode_text, key_value

HTML_MEDIA_TYPE = "text/html"
_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "svg", "iframe",
                      "object", "canvas", "select"})  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset({"p", "li", "pre", "blockquote", "dd", "dt", "figcaption", "address",
                     "div", "section", "article", "main", "header", "footer", "aside", "nav",
                     "ul", "ol", "dl", "figure", "body", "table"})  # fmt: skip
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "col"})


class HtmlParser:
    slot = "parser.html"
    name = "html"
    media_types = frozenset({HTML_MEDIA_TYPE})

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == HTML_MEDIA_TYPE and decode_text(source.data) is not None

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        text = decode_text(source.data)
        if text is None:
            raise InvalidInput(f"{source.name} is not UTF-8 text.", code="unreadable")
        reader = _BlockReader(text)
        reader.feed(text)
        reader.close()
        blocks = reader.blocks
        heading = next(
            (b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None
        )
        return Document(
            source=source.name,
            media_type=HTML_MEDIA_TYPE,
            title=reader.title or heading or humanise(source_stem(source.name)),
            blocks=tuple(blocks),
            parser=self.name,
        )


class _BlockReader(HTMLParser):
    """Collects the text of the open block; a block ends where the next one starts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.blocks: list[Block] = []
        self.title: str | None = None
        self.skip_depth = 0
        self.in_title = False
        self.kind: BlockKind | None = None
        self.level = 0
        self.pieces: list[str] = []
        self.start = 0
        self.pre = False
        self.table: list[tuple[list[str], Locator]] | None = None
        self.row: list[str] | None = None
        self.row_start = 0
        self.cell: list[str] | None = None
        self.tables = 0

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def locator(self, start: int, end: int) -> Locator:
        first = bisect.bisect_right(self.line_starts, start)
        last = bisect.bisect_right(self.line_starts, max(start, end - 1))
        return Locator(line=first, end_line=last, char_start=start, char_end=end)

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            if tag == "head":
                return  # the head holds the title, read below; its other parts are skipped
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
            return
        if self.skip_depth:
            return
        if self._table_start(tag):
            return
        if tag == "img":
            self._image(dict(attributes))
        elif tag == "br":
            self.pieces.append("\n")
        elif tag in _HEADINGS:
            self._open(BlockKind.HEADING, _HEADINGS[tag])
        elif tag == "li":
            self._open(BlockKind.LIST_ITEM)
        elif tag == "pre":
            self._open(BlockKind.CODE)
            self.pre = True
        elif tag in _BLOCKS:
            self._open(BlockKind.PARAGRAPH)

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and tag != "head":
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_title = False
            return
        if self.skip_depth or self._table_end(tag):
            return
        if tag in _HEADINGS or tag in _BLOCKS or tag in {"li", "pre"}:
            self._flush(self._end_of_tag())
            self.pre = False
            self.kind = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = " ".join(((self.title or "") + " " + data).split()) or None
        elif self.skip_depth:
            return
        elif self.cell is not None:
            self.cell.append(data)
        else:
            if not self.pieces and not data.strip():
                return
            if not self.pieces:
                self.start = self.position()
            self.pieces.append(data)

    # --- blocks ---------------------------------------------------------------------------

    def _open(self, kind: BlockKind, level: int = 0) -> None:
        self._flush(self.position())
        self.kind, self.level = kind, level

    def _end_of_tag(self) -> int:
        at = self.position()
        close = self.text.find(">", at)
        return close + 1 if close >= 0 else len(self.text)

    def _flush(self, end: int) -> None:
        raw = "".join(self.pieces)
        self.pieces = []
        text = (
            raw.strip("\n")
            if self.pre
            else "\n".join(" ".join(line.split()) for line in raw.split("\n") if line.strip())
        )
        if not text.strip():
            return
        kind = self.kind or BlockKind.PARAGRAPH
        locator = self.locator(self.start, max(end, self.start))
        if kind is BlockKind.PARAGRAPH and "\n" not in text:
            pair = key_value(text)
            if pair is not None:
                self.blocks.append(Block(BlockKind.KEY_VALUE, pair[1], locator, key=pair[0]))
                return
        self.blocks.append(Block(kind, text, locator, level=self.level))

    def _image(self, attributes: dict[str, str | None]) -> None:
        source = (attributes.get("src") or "").strip()
        if not source:
            return
        self._flush(self.position())
        start = self.position()
        end = self._end_of_tag()
        alt = " ".join((attributes.get("alt") or "").split())
        self.blocks.append(Block(BlockKind.IMAGE, alt, self.locator(start, end), target=source))

    # --- tables ---------------------------------------------------------------------------

    def _table_start(self, tag: str) -> bool:
        if tag == "table":
            self._flush(self.position())
            self.table = []
            return True
        if self.table is None:
            return False
        if tag == "tr":
            self.row, self.row_start = [], self.position()
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        return True

    def _table_end(self, tag: str) -> bool:
        if self.table is None:
            return False
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append((self.row, self.locator(self.row_start, self._end_of_tag())))
            self.row = None
        elif tag == "table":
            if len(self.table) >= 2:
                self.tables += 1
                self.blocks.extend(table_blocks(self.table[0][0], self.table[1:], self.tables))
            self.table = None
        return True


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [HtmlParser()]
