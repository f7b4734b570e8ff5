"""File names as labels: normalised once, where they enter (an upload, a folder read), so the
name a person sees, the name stored and the name ingestion reads are the same string.

A name keeps its folders (``photos/cup.jpg``: documents refer to images by them) but is never
a path: no drive letter, no leading ``/``, no ``.`` or ``..`` segment, no control or invisible
format characters (a right-to-left override can make ``gpj.exe`` read as ``exe.jpg``).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator

MAX_NAME_CHARS = 255
FALLBACK_NAME = "file"
# Cc: controls; Cf: format characters (bidi overrides, zero-width joiners, BOM, soft hyphen);
# Zl/Zp: line and paragraph separators; Cs: lone surrogates; Co/Cn: private use, unassigned.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_DRIVE = re.compile(r"^[A-Za-z]:")


def _kept(char: str) -> bool:
    return unicodedata.category(char) not in _DROPPED_CATEGORIES


def normalise_name(name: str) -> str:
    """The label for a file name: NFC, without control or format characters, drive letters,
    absolute or relative-climbing segments, at most ``MAX_NAME_CHARS`` (the end is kept, so
    the extension survives)."""
    text = "".join(c for c in unicodedata.normalize("NFC", name) if _kept(c))
    text = _DRIVE.sub("", text.replace("\\", "/"))
    parts = [p.strip() for p in text.split("/")]
    cleaned = "/".join(p for p in parts if p not in ("", ".", ".."))
    cleaned = cleaned[-MAX_NAME_CHARS:].lstrip("/").strip()
    return cleaned or FALLBACK_NAME


def unsafe_name_reason(name: str) -> str | None:
    """Why a name would not survive ``normalise_name`` unchanged in a way that matters, or
    None: control or format characters, an absolute path, a drive letter, a ``..`` segment."""
    if any(not _kept(c) for c in name):
        return "the file name contains control characters or invisible format characters"
    slashed = name.replace("\\", "/")
    if slashed.startswith("/") or _DRIVE.match(slashed):
        return f"the file name {name!r} is an absolute path; names are never used as paths"
    if ".." in slashed.split("/"):
        return f"the file name {name!r} climbs out of its folder ('..'); names are never paths"
    return None


def name_candidates(name: str) -> Iterator[str]:
    """``a.md``, ``a-2.md``, ``a-3.md``, …: the names tried, in order, for a new upload."""
    yield name
    stem, ext = posixpath.splitext(name)
    n = 2
    while True:
        yield f"{stem}-{n}{ext}"
        n += 1


class NumberedNames:
    """Hands out each name once: ``wanted`` if free, else ``wanted-2``, ``wanted-3``…

    Counting for a wanted name resumes after the number it last gave, so n repeats of one
    title cost O(n) rather than O(n²). That gives the same names as counting from 2 every
    time, because names are only ever added: every number skipped before is still taken.
    """

    def __init__(self, separator: str = "-") -> None:
        self.taken: set[str] = set()
        self._separator = separator
        self._last: dict[str, int] = {}

    def claim(self, wanted: str) -> str:
        number = self._last.get(wanted)
        if number is None and wanted not in self.taken:
            self._last[wanted] = 1
            self.taken.add(wanted)
            return wanted
        number = (number or 1) + 1
        while f"{wanted}{self._separator}{number}" in self.taken:
            number += 1
        self._last[wanted] = number
        name = f"{wanted}{self._separator}{number}"
        self.taken.add(name)
        return name
