"""HTML parser (stdlib ``html.parser``): headings, paragraphs, list items, images, code,
`Key: value` paragraphs and tables.

Scripts, styles and other invisible parts are skipped; nothing is fetched or run. Locators
give the lines and the character span of each block's markup in the decoded text.
"""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

from domain.documents import (
    Block,
    BlockKind,
    Document,
    IngestLimits,
    Locator,
    SetAside,
    SourceFile,
)
from domain.errors import InvalidInput
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.parsers.tables import table_blocks
from plugins.offline.parsers.textlines import decode_text, key_value, read_text
from plugins.offline.parsers.titles import document_title, file_title, heading_title

HTML_MEDIA_TYPE = "text/html"
_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "svg", "iframe",
                      "object", "canvas", "select"})  # fmt: skip
# Page chrome: what every page of a site repeats around its content. Its text is set aside
# (and reported), not made part of the page.
_CHROME = frozenset({"nav", "header", "footer", "aside", "form", "button"})
_MAIN = re.compile(r"<main[\s>]", re.IGNORECASE)
_TITLE_SEPARATORS = (" | ", " \u2013 ", " \u2014 ", " - ", " :: ", " \u00b7 ", " \u2022 ", " » ")
_META_KEYS = {
    "author": "author",
    "og:site_name": "site_name",
    "application-name": "site_name",
    "description": "description",
    "og:description": "description",
}
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
        decoded = read_text(source.data)
        if decoded is None:
            raise InvalidInput(f"{source.name} is not readable text.", code="unreadable")
        text = decoded.text
        reader = _BlockReader(text, has_main=_MAIN.search(text) is not None)
        reader.feed(text)
        reader.close()
        page_title, site_name = split_page_title(reader.title or "")
        metadata = {k: v for k, v in reader.meta.items() if v}
        set_aside = list(reader.set_aside)
        if site_name:
            metadata.setdefault("site_name", site_name)
            set_aside.append(
                SetAside(
                    reader.title or "",
                    "the page title, whose site-name part names the site",
                    reader.title_locator or Locator(),
                )
            )
        return Document(
            source=source.name,
            media_type=HTML_MEDIA_TYPE,
            title=document_title(None, reader.blocks, source.name)
            if heading_title(reader.blocks)
            else page_title or file_title(source.name),
            blocks=tuple(reader.blocks),
            parser=self.name,
            encoding=decoded.encoding,
            metadata=metadata,
            set_aside=tuple(set_aside),
        )


def split_page_title(title: str) -> tuple[str, str]:
    """('About us', 'Harbour Kitchen, Bergen') for 'About us | Harbour Kitchen, Bergen': a
    page title is often the page's name, a separator, then the site's name."""
    cleaned = " ".join(title.split())
    for separator in _TITLE_SEPARATORS:
        if separator in cleaned:
            page, _, site = cleaned.partition(separator)
            if page.strip() and site.strip():
                return page.strip(), site.strip()
    return cleaned, ""


class _BlockReader(HTMLParser):
    """Collects the text of the open block; a block ends where the next one starts."""

    def __init__(self, text: str, *, has_main: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        # With a <main> element, everything outside it is chrome; without one, the chrome
        # elements are (a <header> inside an <article> is the article's own).
        self.has_main = has_main
        self.in_main = False
        self.articles = 0
        self.chrome_tag: str | None = None
        self.chrome_depth = 0
        self.chrome: list[str] = []
        self.chrome_start = 0
        self.set_aside: list[SetAside] = []
        self.meta: dict[str, str] = {}
        self.title_locator: Locator | None = None
        self.links: list[str | None] = []
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
            self.title_start = self.position()
            return
        if tag == "meta":
            self._meta(dict(attributes))
            return
        if self.skip_depth:
            return
        if self._chrome_start(tag):
            return
        if tag == "a":
            self._link_start(dict(attributes))
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
            at = self.position()
            self.title_locator = self.locator(getattr(self, "title_start", at), at)
            return
        if self.skip_depth or self._chrome_end(tag):
            return
        if tag == "a":
            self._link_end()
            return
        if self._table_end(tag):
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
        elif self._in_chrome():
            if data.strip():
                if not self.chrome:
                    self.chrome_start = self.position()
                self.chrome.append(" ".join(data.split()))
        elif self.cell is not None:
            self.cell.append(data)
        else:
            if not self.pieces and not data.strip():
                return
            if not self.pieces:
                self.start = self.position()
            self.pieces.append(data)

    # --- chrome, links and metadata ---------------------------------------------------------

    def _in_chrome(self) -> bool:
        return self.chrome_tag is not None or (self.has_main and not self.in_main)

    def _chrome_start(self, tag: str) -> bool:
        """True when ``tag`` opens or sits inside page chrome (its text is set aside)."""
        if tag == "main" and self.has_main and not self.in_main:
            self._flush_chrome()
            self.in_main = True
            return False
        if tag == "article":
            self.articles += 1
        if self.chrome_tag is not None:
            if tag == self.chrome_tag:
                self.chrome_depth += 1
            return True
        own_header = tag == "header" and (self.articles or self.in_main)
        if tag in _CHROME and not own_header:
            self._flush(self.position())
            self._flush_chrome()
            self.chrome_tag, self.chrome_depth = tag, 1
            return True
        return self._in_chrome()

    def _chrome_end(self, tag: str) -> bool:
        if tag == "article":
            self.articles = max(0, self.articles - 1)
        if self.chrome_tag is not None:
            if tag == self.chrome_tag:
                self.chrome_depth -= 1
                if self.chrome_depth == 0:
                    self._flush_chrome()
                    self.chrome_tag = None
            return True
        if tag == "main" and self.in_main:
            self._flush(self._end_of_tag())
            self.in_main = False
            return True
        return self._in_chrome()

    def _flush_chrome(self) -> None:
        text = " ".join(piece for piece in self.chrome if piece)
        self.chrome = []
        if text:
            where = self.chrome_tag or "outside <main>"
            self.set_aside.append(
                SetAside(
                    text,
                    f"page chrome ({where}): repeated on every page, not the page's content",
                    self.locator(self.chrome_start, max(self.position(), self.chrome_start)),
                )
            )

    def close(self) -> None:
        super().close()
        self._flush(len(self.text))
        self._flush_chrome()

    def _meta(self, attributes: dict[str, str | None]) -> None:
        name = (attributes.get("name") or attributes.get("property") or "").strip().lower()
        content = " ".join((attributes.get("content") or "").split())
        key = _META_KEYS.get(name)
        if key and content:
            self.meta.setdefault(key, content)

    def _link_start(self, attributes: dict[str, str | None]) -> None:
        href = (attributes.get("href") or "").strip()
        keep = (
            bool(href) and not href.startswith("#") and not href.lower().startswith("javascript:")
        )
        self.links.append(href if keep else None)
        if keep and self.cell is None:
            if not self.pieces:
                self.start = self.position()
            self.pieces.append("[")

    def _link_end(self) -> None:
        href = self.links.pop() if self.links else None
        if href is None:
            return
        if self.cell is not None:
            self.cell.append(f" ({href})")
        else:
            self.pieces.append(f"]({href})")

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
        title = " ".join((attributes.get("title") or "").split())
        if title and title != alt:
            # The title attribute is the image's caption; it stays on the page below it.
            self.blocks.append(Block(BlockKind.PARAGRAPH, title, self.locator(start, end)))

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
