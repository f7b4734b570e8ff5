"""Which uploaded files are accepted, judged from their bytes (SPEC §10).

The client's file name only refines a label inside the text family (``.md`` → Markdown);
it never decides whether a file is accepted.
"""

from __future__ import annotations

import json
import re
import zipfile
from typing import IO

from domain.media_types import sniff
from domain.refusals import Unprocessable, UnsupportedMediaType

SNIFF_BYTES = 4096
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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
        "image/svg+xml",
    }
)
_SVG = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]", re.S | re.I
)
_HTML = re.compile(rb"^\s*(<!doctype html|<html[\s>])", re.I)
# An SVG is an image, not a program: anything that could run script is refused outright.
_SVG_ACTIVE = re.compile(rb"<script|\bon[a-z]+\s*=|javascript:|<foreignObject", re.I)
MARKDOWN_SUFFIXES = (".md", ".markdown")


def detect_media_type(head: bytes, file: IO[bytes], name: str) -> str:
    """The accepted media type of a received file; raises UnsupportedMediaType/Unprocessable."""
    if not head:
        raise Unprocessable(f"{name}: the file is empty", code="empty_file")
    detected = sniff(head)
    if detected == "application/zip":
        if _is_docx(file):
            return DOCX
        raise UnsupportedMediaType(
            f"{name}: a zip archive that is not a Word (DOCX) document is not accepted"
        )
    if detected == "text/plain":
        return _text_type(head, file, name)
    if detected not in ALLOWED:
        raise UnsupportedMediaType(
            f"{name}: its bytes look like {detected}, which is not an accepted type "
            "(PDF, DOCX, text, Markdown, HTML, JSON, JPEG, PNG, GIF, WebP, SVG)"
        )
    return detected


def _text_type(head: bytes, file: IO[bytes], name: str) -> str:
    if _SVG.match(head):
        file.seek(0)
        if _SVG_ACTIVE.search(file.read()):
            raise Unprocessable(
                f"{name}: an SVG with scripts or event handlers is refused", code="svg_script"
            )
        return "image/svg+xml"
    if _HTML.match(head):
        return "text/html"
    if head.lstrip()[:1] in (b"{", b"["):
        file.seek(0)
        try:
            json.load(file)
        except (ValueError, UnicodeDecodeError):
            pass
        else:
            return "application/json"
    if name.lower().endswith(MARKDOWN_SUFFIXES):
        return "text/markdown"
    return "text/plain"


def _is_docx(file: IO[bytes]) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names
