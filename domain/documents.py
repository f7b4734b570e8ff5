"""Ingested documents: what a parser extracts from one source file, with locators."""

from __future__ import annotations

import enum

import attrs


@attrs.frozen
class Locator:
    """Where in a source a piece of text came from. Lines are 1-based; spans are [start, end)."""

    line: int | None = None
    end_line: int | None = None
    page: int | None = None
    paragraph: int | None = None
    char_start: int | None = None
    char_end: int | None = None


class BlockKind(enum.StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    KEY_VALUE = "key_value"
    LIST_ITEM = "list_item"
    IMAGE = "image"
    CODE = "code"
    TABLE_ROW = "table_row"


@attrs.frozen
class Block:
    """One structural element of a document.

    ``level`` is the heading level for headings; ``key`` is set for key/value lines;
    ``text`` holds the value (or the alt text / target for images, see ``target``).
    A table row carries its table's header in ``columns`` and its own ``cells`` (same
    length); ``level`` is then the 1-based number of the table in its document, so rows of
    one table can be told from the rows of the next.
    """

    kind: BlockKind
    text: str
    locator: Locator
    level: int = 0
    key: str | None = None
    target: str | None = None
    columns: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


@attrs.frozen
class SetAside:
    """Text a parser read but kept out of the document's blocks, with the reason (page
    navigation, a running page footer, the site-name part of a page title). It is reported,
    so that no word of the material is lost without a trace."""

    text: str
    reason: str
    locator: Locator


@attrs.frozen
class Document:
    """A parsed source file. ``source`` is the file's path relative to the material root."""

    source: str
    media_type: str
    title: str
    blocks: tuple[Block, ...] = ()
    front_matter: dict[str, object] = attrs.field(factory=dict)
    front_matter_locator: Locator | None = None
    parser: str = ""
    # The text encoding the file's bytes showed ("utf-8", "utf-16", "cp1252"…); "" for
    # formats that are not plain text (PDF, DOCX, images).
    encoding: str = ""
    # What the file says about itself outside its text: "title", "author", "site_name"…
    metadata: dict[str, str] = attrs.field(factory=dict)
    set_aside: tuple[SetAside, ...] = ()


@attrs.frozen
class SourceFile:
    """Raw material handed to a parser.

    ``name`` is a display path relative to the material root; it is never used as a
    filesystem path.
    """

    name: str
    data: bytes
    media_type: str = ""


class RejectionCode(enum.StrEnum):
    UNSUPPORTED_TYPE = "unsupported_type"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    PARSE_ERROR = "parse_error"
    EMPTY = "empty"
    LIMIT_EXCEEDED = "limit_exceeded"  # a named ingest limit (pages, members, pixels…)
    TIMEOUT = "timeout"
    UNSAFE_CONTENT = "unsafe_content"  # scripts in an SVG, XML entity tricks…
    UNSAFE_NAME = "unsafe_name"  # a name that looks like a path or holds control characters
    TYPE_MISMATCH = "type_mismatch"  # the name claims one type, the bytes show another


class RejectedInput(Exception):
    """Raised by a parser for a file it refuses; the batch records it and goes on.

    ``reason`` names the limit or rule that was hit (``max_pdf_pages=500``).
    """

    def __init__(self, code: RejectionCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


MIB = 1024 * 1024


@attrs.frozen
class IngestLimits:
    """The named limits every parser works within (settings ``KIRBYGEN_MAX_*``).

    Handed to each parser call by the ingest phase; nothing reads them from global state.
    """

    max_file_bytes: int = 50 * MIB
    max_archive_members: int = 1000
    max_archive_bytes: int = 200 * MIB  # total uncompressed size of a DOCX
    max_xml_bytes: int = 50 * MIB  # one XML part of a DOCX, or an SVG, uncompressed
    max_image_pixels: int = 40_000_000
    max_pdf_pages: int = 500
    pdf_timeout_seconds: float = 30.0
    pdf_memory_bytes: int = 1024 * MIB
    max_text_chars: int = 20_000_000  # text extracted from one file
    max_xml_elements: int = 500_000  # elements in one XML part or SVG
    max_xml_depth: int = 256  # nesting of elements in one XML part or SVG
    # Files parsed at once (KIRBYGEN_PARSE_WORKERS); 0 means one per CPU. Each parser child
    # keeps its own pdf_memory_bytes and pdf_timeout_seconds.
    parse_workers: int = 0


@attrs.frozen
class RejectedFile:
    name: str
    code: RejectionCode
    reason: str


@attrs.frozen
class IngestResult:
    """``documents`` include one per accepted image (media type ``image/*``, one IMAGE block
    whose target is the image's own file name); ``images`` lists those images' names."""

    documents: tuple[Document, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()
    images: tuple[str, ...] = ()

    @property
    def text_documents(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if not d.media_type.startswith("image/"))
