"""Crawls a static export: every internal link and asset must lead to a file that exists."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in _LINK_ATTRIBUTES and value is not None:
                self.found.append(value)


def references(html_text: str) -> list[str]:
    parser = _References()
    parser.feed(html_text)
    return parser.found


def is_internal(reference: str) -> bool:
    parts = urlsplit(reference)
    return not parts.scheme and not parts.netloc and not reference.startswith("#")


def broken_references(root: Path) -> list[str]:
    """``page: reference`` for every internal reference that names no file of the export.

    References are resolved relative to the page, as a browser does; an absolute path
    (``/x``) counts as broken because it would not work under a sub-path or from disk.
    """
    broken: list[str] = []
    for page in sorted(root.rglob("*.html")):
        relative = page.relative_to(root).as_posix()
        for reference in references(page.read_text(encoding="utf-8")):
            if not is_internal(reference):
                continue
            path = unquote(urlsplit(reference).path)
            if path.startswith("/"):
                broken.append(f"{relative}: {reference} (absolute)")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), path))
            if target.startswith("../") or not (root / target).is_file():
                broken.append(f"{relative}: {reference}")
    return broken
