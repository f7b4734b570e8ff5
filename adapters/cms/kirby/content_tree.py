"""Reads the ``content/`` folder of a Kirby site the way Kirby does: pages, files, metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from adapters.cms.kirby.kirby_types import CONTENT_EXTENSION
from adapters.cms.kirby.txt import ParsedContent, parse

CONTENT_DIR = "content"
DRAFTS_DIR = "_drafts"
_NUM_PREFIX = re.compile(r"^\d+_")
# Kirby skips these names when it reads a folder.
_IGNORED = frozenset({".DS_Store", ".gitignore", ".gitkeep", ".git", ".svn", ".htaccess"})


@attrs.frozen
class ContentText:
    """One ``.txt`` file: its path relative to the site root and how it parsed."""

    path: str
    parsed: ParsedContent | None  # None when the file is not UTF-8


@attrs.frozen
class FileOnDisk:
    filename: str
    meta: ContentText | None


@attrs.frozen
class PageOnDisk:
    page_id: str  # slugs from the top, without number prefixes or _drafts
    folder: Path
    folder_path: str  # relative to the site root
    content: ContentText | None
    extra_content_paths: tuple[str, ...]  # further content files: Kirby would ignore them
    files: tuple[FileOnDisk, ...]

    @property
    def template(self) -> str:
        if self.content is None:
            return "default"
        return Path(self.content.path).name[: -len(CONTENT_EXTENSION)]

    def file(self, filename: str) -> FileOnDisk | None:
        return next((f for f in self.files if f.filename == filename), None)


def read_text(root: Path, path: Path) -> ContentText:
    relative = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ContentText(path=relative, parsed=None)
    return ContentText(path=relative, parsed=parse(text))


def read_pages(root: Path) -> list[PageOnDisk]:
    content_root = root / CONTENT_DIR
    if not content_root.is_dir():
        return []
    return list(_pages_below(root, content_root, ""))


def _pages_below(root: Path, folder: Path, parent_id: str) -> Iterator[PageOnDisk]:
    for child in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in _IGNORED):
        if child.name == DRAFTS_DIR:
            yield from _pages_below(root, child, parent_id)
            continue
        if child.name.startswith(("_", ".")):
            continue  # Kirby's own folders (_changes for unsaved edits) and hidden ones

        slug = _NUM_PREFIX.sub("", child.name)
        page_id = f"{parent_id}/{slug}" if parent_id else slug
        yield _read_page(root, child, page_id)
        yield from _pages_below(root, child, page_id)


def _read_page(root: Path, folder: Path, page_id: str) -> PageOnDisk:
    entries = sorted(p for p in folder.iterdir() if p.is_file() and p.name not in _IGNORED)
    names = {p.name for p in entries}
    content_files: list[Path] = []
    media: list[Path] = []
    for entry in entries:
        if entry.name.endswith(CONTENT_EXTENSION):
            # `cover.jpg.txt` is the metadata of `cover.jpg`; any other .txt is page content.
            if entry.name[: -len(CONTENT_EXTENSION)] not in names:
                content_files.append(entry)
        else:
            media.append(entry)
    files = tuple(
        FileOnDisk(
            filename=m.name,
            meta=(
                read_text(root, folder / f"{m.name}{CONTENT_EXTENSION}")
                if f"{m.name}{CONTENT_EXTENSION}" in names
                else None
            ),
        )
        for m in media
    )
    return PageOnDisk(
        page_id=page_id,
        folder=folder,
        folder_path=folder.relative_to(root).as_posix(),
        # With several candidates Kirby takes the last one by name and ignores the others.
        content=read_text(root, content_files[-1]) if content_files else None,
        extra_content_paths=tuple(p.relative_to(root).as_posix() for p in content_files[:-1]),
        files=files,
    )
