"""Media type detection from a file's bytes, never from its name or a client's claim.

``identify`` is the one detector: uploads, ingest and the site's media all ask it. It looks at
the whole file and names the exact type (a DOCX rather than any zip; HTML, JSON or SVG rather
than any text). It stays cheap on hostile input: a signature is read from the first bytes, a
zip's member count from its end record before anything is listed, and JSON is parsed only when
it is small enough.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
SVG = "image/svg+xml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
OCTET_STREAM = "application/octet-stream"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", ZIP),
)
# Names a file may carry, mapped to the type its bytes must then show (used to refuse a file
# whose name claims one type and whose bytes show another).
CLAIMED_BY_SUFFIX = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".svg": SVG,
}

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_ZIP_COMMENT = 0xFFFF
# Identifying a zip as a DOCX lists its members; a zip claiming more than this is left a zip.
_MAX_MEMBERS_TO_LIST = 10_000
_MAX_JSON_TO_IDENTIFY = 20 * 1024 * 1024
# Signatures, text-ness and the start of an SVG or HTML document are judged from this much.
_HEAD_BYTES = 4096
_SVG_ROOT = re.compile(
    r"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<svg[\s>/]",
    re.S | re.I,
)
# An XML prologue (declaration or DOCTYPE, perhaps with entity declarations) before an <svg>
# element: still an SVG, and one the SVG parser must see to refuse its entities.
_XML_PROLOGUE = re.compile(r"^(?:<\?xml|<!DOCTYPE)", re.I)
_SVG_TAG = re.compile(r"<svg[\s>/]", re.I)
_TEXT_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")  # \x1a: an old DOS end-of-file mark
_MAX_CONTROL_SHARE = 0.01
# Accented letters in Western text are a few per cent of its bytes; binary data is half.
_MAX_HIGH_SHARE = 0.3
_HTML_START = re.compile(
    r"^(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.S | re.I
)


def identify(data: bytes) -> str:
    """The exact media type of a whole file's bytes, ``application/octet-stream`` when unknown.

    Text (UTF-8 without NUL bytes) is HTML, JSON or SVG when it starts like one, else
    ``text/plain``: telling Markdown from plain text is left to whoever knows the file's name.
    """
    head = data[:_HEAD_BYTES]
    family = _by_signature(head)
    if family == ZIP:
        return DOCX if _is_docx(data) else ZIP
    if family is not None:
        return family
    decoded = head_text(head)
    if decoded is None:
        return OCTET_STREAM
    text = decoded.lstrip()
    if _SVG_ROOT.match(text) or (_XML_PROLOGUE.match(text) and _SVG_TAG.search(text)):
        return SVG
    if _HTML_START.match(text):
        return "text/html"
    if text[:1] in ("{", "[") and _is_json(data):
        return "application/json"
    return "text/plain"


def zip_member_count(data: bytes) -> int | None:
    """Members a zip's end-of-central-directory record declares, read without listing them.

    None when the record is missing or damaged; 0xFFFF means a ZIP64 archive claiming at
    least that many.
    """
    start = max(0, len(data) - _EOCD_SIZE - _MAX_ZIP_COMMENT)
    at = data.rfind(_EOCD, start)
    if at < 0 or len(data) - at < _EOCD_SIZE:
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return int(total)


def _by_signature(head: bytes) -> str | None:
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _is_docx(data: bytes) -> bool:
    count = zip_member_count(data)
    if count is None or count > _MAX_MEMBERS_TO_LIST:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_json(data: bytes) -> bool:
    if len(data) > _MAX_JSON_TO_IDENTIFY:
        return False
    try:
        json.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return True


def head_text(head: bytes) -> str | None:
    """The first bytes of a file as text, or None when they are not text.

    Text is UTF-8 (with or without a byte-order mark), UTF-16 or UTF-32 with a byte-order
    mark, or a single-byte encoding such as Latin-1 or Windows-1252: no NUL bytes, almost no
    control characters, and mostly ASCII. Which single-byte encoding it is is left to the
    parser that reads it; here it only has to be told from binary data.
    """
    for bom, encoding in _TEXT_BOMS:
        # Text in UTF-16 or UTF-32 has NUL bytes (every ASCII character brings one); a
        # "byte-order mark" followed by none is just two bytes that happen to look like one.
        if head.startswith(bom) and (encoding == "utf-8" or b"\x00" in head[len(bom) :]):
            return head.decode(encoding, "ignore").removeprefix("\ufeff")
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return head[: exc.start].decode("utf-8")
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    high = sum(1 for byte in head if byte >= 0x80)
    if controls > len(head) * _MAX_CONTROL_SHARE or high > len(head) * _MAX_HIGH_SHARE:
        return None
    return head.decode("latin-1")
