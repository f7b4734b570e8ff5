"""A document's title: what it calls itself, else a cleaned-up file name.

The order: a declared title (front matter, document metadata), then the document's first
heading of its highest level (any level: notes often start at ``##``), then its file name
made readable. A file name is the last resort: ``untitled 2.md`` whose only heading names the
piece is titled after the piece.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.documents import Block, BlockKind
from plugins.offline.naming import source_stem

# Names cameras and editors give files; they say nothing about what is in them.
_CAMERA_PREFIX = re.compile(r"^(?:img|dsc[nf]?|dcim|pxl|photo|image|scan|screenshot)[\s_\-]*(?=\d)",
                            re.IGNORECASE)  # fmt: skip
_NUMBERING = re.compile(r"^\d{1,3}[\s_.\-]+(?=\D)")
_SEPARATORS = re.compile(r"[\s_\-]+")


def heading_title(blocks: Sequence[Block]) -> Block | None:
    """The first heading of the highest level the document uses, or None."""
    headings = [b for b in blocks if b.kind is BlockKind.HEADING and b.text.strip()]
    if not headings:
        return None
    top = min(h.level for h in headings)
    return next(h for h in headings if h.level == top)


def document_title(declared: object, blocks: Sequence[Block], source: str) -> str:
    if isinstance(declared, str | int | float) and str(declared).strip():
        return " ".join(str(declared).split())
    heading = heading_title(blocks)
    return heading.text if heading is not None else file_title(source)


def file_title(source: str) -> str:
    """A file name as a title: 'IMG_2041.jpg' -> 'Photo 2041', '02_new-work.md' -> 'New work'."""
    stem = source_stem(source).strip()
    camera = _CAMERA_PREFIX.match(stem)
    stem = f"Photo {stem[camera.end() :]}" if camera is not None else _NUMBERING.sub("", stem)
    words = _SEPARATORS.sub(" ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"
