"""What the text-based parsers share: decoding, numbered lines, locators, `Key: value` lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from domain.documents import Locator

UTF8_BOM = b"\xef\xbb\xbf"
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (UTF8_BOM, "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MAX_HIGH_SHARE = 0.3
_WESTERN_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "mac_roman"]
# C0 controls other than tab, line feed, form feed and carriage return do not occur in
# text people write; a few stray ones (an old DOS end-of-file mark) are tolerated.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01

_KEY_VALUE = re.compile(r"^([A-Za-z][\w \-]{0,40}):\s+(\S.*)$")
# Prose such as "The short answer to all of this: no" is not a field.
_MAX_KEY_WORDS = 5
_URL_SCHEMES = frozenset(
    {"http", "https", "ftp", "ftps", "sftp", "mailto", "tel", "file", "data", "urn", "ssh"}
)
# Inside a paragraph, a line is a field only when it reads like one: a capitalised key after
# a line that ended a sentence. Otherwise it is hard-wrapped prose ("…is meant to" followed
# by "be used daily: stacked, washed…").
_SENTENCE_END = (".", "!", "?", ":", ";", ")")
_UNDERLINE = re.compile(r"^(=+|-+)$")
_MIN_UNDERLINE = 3


@attrs.frozen
class DecodedText:
    """Text decoded from bytes, with the encoding its bytes showed (``utf-8``, ``utf-8-sig``,
    ``utf-16``, ``cp1252``…). Line endings are '\\n' or '\\r\\n'; old Mac '\\r' endings
    are turned into '\\n' so that line numbers match what an editor shows."""

    text: str
    encoding: str


def decode_text(data: bytes) -> str | None:
    """The text of ``data``, or None when its bytes are not text (see ``read_text``)."""
    decoded = read_text(data)
    return decoded.text if decoded is not None else None


def read_text(data: bytes) -> DecodedText | None:
    """Decode ``data`` by what its bytes show, or None when they are not text.

    A byte-order mark decides first (UTF-8, UTF-16, UTF-32); then strict UTF-8; then
    ``charset-normalizer`` among the Western single-byte encodings people's notes come in
    (Windows-1252, Latin-1, Latin-9, Mac Roman) — on short texts an open guess often lands on
    an Asian or Central-European code page that garbles every accent — and only then among
    all the encodings it knows.
    """
    encoding = _by_bom(data)
    if encoding is None and b"\x00" in data:
        return None  # NUL bytes without a byte-order mark: binary, or UTF-16 we cannot place
    try:
        text = data.decode(encoding or "utf-8")
        encoding = encoding or "utf-8"
    except UnicodeDecodeError:
        if encoding is not None:
            return None
        guessed = _guess(data)
        if guessed is None:
            return None
        text, encoding = guessed
    text = text.removeprefix("\ufeff")
    if "\r" in text and "\r\n" not in text:
        text = text.replace("\r", "\n")
    if len(_CONTROL.findall(text)) > max(1, int(len(text) * _MAX_CONTROL_SHARE)):
        return None
    return DecodedText(text=text, encoding=encoding)


def _by_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        # UTF-16 and UTF-32 text has NUL bytes; two bytes that look like a mark without
        # them are not one.
        if data.startswith(bom) and (encoding == "utf-8-sig" or b"\x00" in data[len(bom) :]):
            return encoding
    return None


def _guess(data: bytes) -> tuple[str, str] | None:
    import charset_normalizer

    if sum(1 for byte in data if byte >= 0x80) > len(data) * _MAX_HIGH_SHARE:
        return None  # accented letters are a few per cent of a text's bytes, not half

    for isolation in (_WESTERN_ENCODINGS, None):
        best = charset_normalizer.from_bytes(data, cp_isolation=isolation).best()
        if best is not None:
            return str(best), best.encoding
    return None


@attrs.frozen
class SourceLine:
    """One line of decoded text: 1-based ``number``, ``text`` without its line ending, and
    ``start``, the offset of its first character in the decoded text."""

    number: int
    text: str
    start: int

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def content_start(self) -> int:
        return self.start + len(self.text) - len(self.text.lstrip())

    @property
    def content_end(self) -> int:
        return self.start + len(self.text.rstrip())


def split_lines(text: str) -> list[SourceLine]:
    """Lines split on '\\n' only (a trailing '\\r' is dropped), so numbers match editors."""
    lines: list[SourceLine] = []
    offset = 0
    pieces = text.split("\n")
    if pieces and pieces[-1] == "":
        pieces.pop()  # the text ends with a newline: there is no line after it
    for number, piece in enumerate(pieces, start=1):
        lines.append(SourceLine(number=number, text=piece.removesuffix("\r"), start=offset))
        offset += len(piece) + 1
    return lines


def span(lines: Sequence[SourceLine]) -> Locator:
    """The locator covering ``lines`` from the first character to the last (no line ending)."""
    first, last = lines[0], lines[-1]
    return Locator(
        line=first.number,
        end_line=last.number,
        char_start=first.content_start,
        char_end=max(last.content_end, first.content_start),
    )


def key_value(text: str, previous: str | None = None) -> tuple[str, str] | None:
    """('Client', 'ACME') for the line 'Client: ACME'; None for prose, URLs and times.

    ``previous`` is the line before ``text`` when the two would belong to one paragraph.
    """
    match = _KEY_VALUE.match(text.strip())
    if match is None:
        return None
    key = " ".join(match.group(1).split())
    if key.lower() in _URL_SCHEMES or len(key.split()) > _MAX_KEY_WORDS:
        return None
    if previous is not None and not (
        key[0].isupper() and previous.rstrip().endswith(_SENTENCE_END)
    ):
        return None
    return key, match.group(2).strip()


def underline_level(text: str) -> int:
    """1 for a '===' line, 2 for a '---' line (at least three characters), else 0."""
    stripped = text.strip()
    if len(stripped) < _MIN_UNDERLINE or not _UNDERLINE.match(stripped):
        return 0
    return 1 if stripped[0] == "=" else 2
