"""Which uploaded files are accepted, judged from their bytes (SPEC §10).

The type comes from ``domain.media_types.identify``, the detector ingest uses too, so a file
accepted here is read as the same type later. The client's file name only refines a label
inside the text family (``.md`` → Markdown); it never decides whether a file is accepted.
"""

from __future__ import annotations

import re
from typing import IO

from domain.media_types import DOCX, SVG, ZIP, identify
from domain.refusals import Unprocessable, UnsupportedMediaType

ALLOWED = frozenset(
    {
        "application/pdf",
        DOCX,
        "text/plain",
        "text/markdown",
        "text/html",
        "application/json",
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        SVG,
    }
)
MARKDOWN_SUFFIXES = (".md", ".markdown")
# An SVG is an image, not a program: anything that could run script or fetch another resource
# is refused outright (the SVG parser refuses the same things at ingest, element by element).
_SVG_ACTIVE = re.compile(
    rb"<(?:[\w.-]+:)?(?:script|foreignObject|iframe|embed|object|handler|listener|audio|video)\b"
    rb"|\bon[a-z]+\s*=|javascript:|vbscript:"
    # A link to anything but a fragment of the file itself (href="#gradient" is fine).
    rb"|(?<![\w-])(?:href|src|action|formaction)\s*=\s*+['\"]?+\s*+(?![#'\"\s>])"
    rb"|@import|url\(\s*+['\"]?+\s*+(?!#)",
    re.I,
)


# The type of most files shows in their first bytes; only these need the whole file.
_HEAD_READ_BYTES = 64 * 1024
_WHOLE_FILE_TYPES = frozenset({ZIP, DOCX, SVG})
_JSON_STARTS = (b"{", b"[")


def detect_media_type(file: IO[bytes], name: str) -> str:
    """The accepted media type of a received file; raises UnsupportedMediaType/Unprocessable.

    Only the first bytes are read when they decide (images, PDF, text, HTML), so a large
    upload is never held whole in memory. The whole file is read where the type needs it: a
    DOCX is told from other zips by its members, JSON by parsing it, and an SVG is searched
    throughout for active content. Each file is within the per-file upload limit.
    """
    file.seek(0)
    data = file.read(_HEAD_READ_BYTES)
    if not data:
        raise Unprocessable(f"{name}: the file is empty", code="empty_file")
    detected = identify(data)
    if detected in _WHOLE_FILE_TYPES or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in _JSON_STARTS:
        file.seek(0)
        data = file.read()
        detected = identify(data)
    if detected == ZIP:
        raise UnsupportedMediaType(
            f"{name}: a zip archive that is not a Word (DOCX) document is not accepted"
        )
    if detected == SVG and _SVG_ACTIVE.search(data):
        raise Unprocessable(
            f"{name}: an SVG with scripts, event handlers or external references is refused",
            code="svg_script",
        )
    if detected == "text/plain" and name.lower().endswith(MARKDOWN_SUFFIXES):
        return "text/markdown"
    if detected not in ALLOWED:
        raise UnsupportedMediaType(
            f"{name}: its bytes look like {detected}, which is not an accepted type "
            "(PDF, DOCX, text, Markdown, HTML, JSON, JPEG, PNG, GIF, WebP, SVG)"
        )
    return detected
