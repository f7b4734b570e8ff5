"""Versions of a generated site: commits, what changed between two, and commit messages."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

import attrs

from domain.content import ContentItem, StructuredContent

RUN_TRAILER = "Run-Id"


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@attrs.frozen
class FileChange:
    path: str
    kind: ChangeKind


@attrs.frozen
class CommitInfo:
    id: str
    message: str
    author: str
    created: datetime
    run_id: str | None = None

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@attrs.frozen
class VersionDiff:
    old: str | None
    new: str
    files: tuple[FileChange, ...]
    patch: str
    # True when ``patch`` was cut at the named limit (KIRBYGEN_MAX_DIFF_BYTES).
    truncated: bool = False


@attrs.frozen
class PageChange:
    page: str  # "<entity>/<slug>"
    kind: ChangeKind
    fields: tuple[str, ...] = ()


@attrs.frozen
class ContentChanges:
    pages: tuple[PageChange, ...] = ()

    def of(self, kind: ChangeKind) -> list[PageChange]:
        return [p for p in self.pages if p.kind is kind]

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field that changed, as ``page.field``."""
        return tuple(f"{p.page}.{f}" for p in self.of(ChangeKind.CHANGED) for f in p.fields)


def _key(item: ContentItem) -> str:
    return f"{item.entity}/{item.slug}"


def _values(item: ContentItem) -> dict[str, object]:
    # Provenance is where a value came from, not the value: a moved line is not a change.
    return {"title": item.title, "status": item.status.value, **item.fields}


def content_changes(old: StructuredContent | None, new: StructuredContent) -> ContentChanges:
    """Pages (content items) added, removed and changed, with the fields that changed."""
    before = {_key(i): i for i in (old.items if old else ())}
    after = {_key(i): i for i in new.items}
    pages: list[PageChange] = []
    for key in sorted(after.keys() - before.keys()):
        pages.append(PageChange(key, ChangeKind.ADDED))
    for key in sorted(before.keys() - after.keys()):
        pages.append(PageChange(key, ChangeKind.REMOVED))
    for key in sorted(before.keys() & after.keys()):
        a, b = _values(before[key]), _values(after[key])
        changed = tuple(sorted(f for f in a.keys() | b.keys() if a.get(f) != b.get(f)))
        if changed:
            pages.append(PageChange(key, ChangeKind.CHANGED, changed))
    return ContentChanges(tuple(pages))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def commit_message(
    run_id: str, changes: ContentChanges, files: Sequence[FileChange], *, max_lines: int = 40
) -> str:
    """A subject counting pages added/removed/changed, a body listing them with their changed
    fields and the file counts, and a ``Run-Id`` trailer that makes the commit findable."""
    added, removed = changes.of(ChangeKind.ADDED), changes.of(ChangeKind.REMOVED)
    changed = changes.of(ChangeKind.CHANGED)
    parts = [
        f"{_count(len(x), 'page')} {label}"
        for x, label in ((added, "added"), (removed, "removed"), (changed, "changed"))
        if x
    ]
    subject = f"Run {run_id}: " + (", ".join(parts) if parts else "no page changed")
    lines: list[str] = []
    for page in added:
        lines.append(f"+ {page.page}")
    for page in removed:
        lines.append(f"- {page.page}")
    for page in changed:
        lines.append(f"~ {page.page}: {', '.join(page.fields)}")
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"… and {len(lines) - max_lines} more"]
    counts = {k: sum(1 for f in files if f.kind is k) for k in ChangeKind}
    lines.append(
        "Files: "
        + ", ".join(f"{counts[k]} {k.value}" for k in ChangeKind)
        + f"; fields changed: {len(changes.fields)}"
    )
    return f"{subject}\n\n" + "\n".join(lines) + f"\n\n{RUN_TRAILER}: {run_id}\n"


def run_id_of(message: str) -> str | None:
    """The run named by a commit message's ``Run-Id`` trailer, if any."""
    prefix = f"{RUN_TRAILER}: "
    for line in reversed(message.strip().splitlines()):
        if line.startswith(prefix):
            return line[len(prefix) :].strip() or None
    return None
