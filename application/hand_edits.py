"""Regenerating a site keeps what its owner changed by hand.

Every content file the generator writes is also kept, as generated, under
``.kirbygen/base/<path>``. On the next run the file in the site is compared with that copy:
if the owner changed it, the CMS adapter's merger combines the owner's version with the new
generation field by field (see ``domain.ports.ContentMerger``). The rules for whole files:

* a content file the owner deleted is not made again (its copy is kept, so the next run
  knows it was deleted on purpose), and media missing from that folder are not restored;
* a content file the generator no longer makes is removed as before, unless the owner edited
  it: then it stays, and is reported;
* files the owner added were never generated and are never touched (the site writer's rule).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from pathlib import Path

import attrs

from domain.hand_edits import FieldConflict, HandEditReport
from domain.ports import ContentMerger, SiteReader
from domain.site import SiteFile

BASE_DIR = ".kirbygen/base"


def base_path(path: str) -> str:
    return f"{BASE_DIR}/{path}"


@attrs.frozen
class PreparedSite:
    """The files to write (the site, merged, plus the generated copies) and what was kept."""

    files: tuple[SiteFile, ...]
    report: HandEditReport


class KeepHandEdits:
    """Prepares a generation for writing into a folder that may hold the owner's edits."""

    def __init__(self, merger: ContentMerger, reader: SiteReader) -> None:
        self._merger = merger
        self._reader = reader

    def __call__(self, root: Path, files: Sequence[SiteFile]) -> PreparedSite:
        generated = {f.path: f.data for f in files}
        out: dict[str, bytes] = {}
        bases: dict[str, bytes] = {}
        kept_edits: list[str] = []
        conflicts: list[FieldConflict] = []
        kept_deleted: list[str] = []
        folders_with_deletions: set[str] = set()

        mergeable = sorted(p for p in generated if self._merger.is_mergeable(p))
        # Every file this run compares, read in one go.
        found = self._reader.read_many(root, [*mergeable, *map(base_path, mergeable)])
        for path in mergeable:
            data = generated[path]
            base = found[base_path(path)]
            current = found[path]
            if current is None:
                if base is None:  # a new file
                    out[path] = bases[path] = data
                else:  # the owner deleted it
                    bases[path] = base
                    kept_deleted.append(path)
                    folders_with_deletions.add(posixpath.dirname(path))
                continue
            if current in (data, base):  # no edit, or nothing left to merge
                out[path] = bases[path] = data
                continue
            merged = self._merger.merge(path, base, current, data)
            out[path] = merged.data
            bases[path] = merged.base
            if merged.owner_edited:
                kept_edits.append(path)
            conflicts.extend(merged.conflicts)

        for path, data in generated.items():
            if self._merger.is_mergeable(path):
                continue
            if posixpath.dirname(path) in folders_with_deletions:
                # The owner removed content here (a page, an image's metadata): what is still
                # there stays as it is, what is gone stays gone.
                current = self._reader.read(root, path)
                if current is not None:
                    out[path] = current
                continue
            out[path] = data

        kept_orphaned = self._keep_edited_orphans(root, generated, out, bases)
        files_out = [SiteFile(path, data) for path, data in sorted(out.items())]
        files_out += [SiteFile(base_path(p), data) for p, data in sorted(bases.items())]
        report = HandEditReport(
            kept_edits=tuple(kept_edits),
            conflicts=tuple(conflicts),
            kept_deleted=tuple(kept_deleted),
            kept_orphaned=tuple(kept_orphaned),
        )
        return PreparedSite(files=tuple(files_out), report=report)

    def _keep_edited_orphans(
        self,
        root: Path,
        generated: dict[str, bytes],
        out: dict[str, bytes],
        bases: dict[str, bytes],
    ) -> list[str]:
        """Content files made last time, not this time, that the owner edited: kept."""
        kept: list[str] = []
        for stored in self._reader.list_paths(root, BASE_DIR):
            path = stored[len(BASE_DIR) + 1 :]
            if path in generated or not self._merger.is_mergeable(path):
                continue
            base = self._reader.read(root, stored)
            current = self._reader.read(root, path)
            if current is None or base is None or current == base:
                continue  # gone, or untouched: removed like any stale generated file
            out[path] = current
            bases[path] = base
            kept.append(path)
        return kept
