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


@attrs.frozen
class Block:
    """One structural element of a document.

    ``level`` is the heading level for headings; ``key`` is set for key/value lines;
    ``text`` holds the value (or the alt text / target for images, see ``target``).
    """

    kind: BlockKind
    text: str
    locator: Locator
    level: int = 0
    key: str | None = None
    target: str | None = None


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


@attrs.frozen
class RejectedFile:
    name: str
    code: RejectionCode
    reason: str


@attrs.frozen
class IngestResult:
    documents: tuple[Document, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()
    images: tuple[str, ...] = ()
