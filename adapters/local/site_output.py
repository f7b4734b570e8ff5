"""Writes a generated site into a folder, touching only what changed.

A manifest of the files written last time lets the next write remove files the generator no
longer produces, while files a person added by hand (never in the manifest) are left alone.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from adapters.local.files import atomic_write_chunks, remove_empty_parents
from adapters.local.paths import split_relative_path
from domain.site import SiteFile, WriteSummary

logger = logging.getLogger(__name__)

STATE_DIR = ".kirbygen"
MANIFEST_PATH = f"{STATE_DIR}/manifest.json"
_MANIFEST_VERSION = 1
PUBLIC_FILE_MODE = 0o666  # masked by the umask: 0644 with the usual 022


# Inside the state folder the writer keeps its manifest and temporary files, and the pipeline
# its checkpoints; generated artefacts (schema.json, report.json, ...) may sit beside them.
RESERVED_STATE_PATHS = frozenset({"manifest.json", "incoming", "cache"})


def site_file_segments(path: str) -> tuple[str, ...]:
    """Segments of a generated file's path; refuses escapes and the writer's own state."""
    segments = split_relative_path(path, what="site file path")
    if segments[0] == STATE_DIR and (len(segments) == 1 or segments[1] in RESERVED_STATE_PATHS):
        raise ValueError(f"site file path {path!r} is reserved for the generator's own state")
    return segments


def unique_site_paths(files: Sequence[SiteFile]) -> dict[str, bytes]:
    """The files by path, validated; a path given twice is a generator bug and is refused."""
    by_path: dict[str, bytes] = {}
    for file in files:
        site_file_segments(file.path)
        if file.path in by_path:
            raise ValueError(f"site file path {file.path!r} is produced twice")
        by_path[file.path] = file.data
    return by_path


class LocalSiteOutput:
    """``SiteOutput`` and ``SiteReader`` on the local filesystem."""

    def write(self, root: Path, files: Sequence[SiteFile]) -> WriteSummary:
        wanted = unique_site_paths(files)
        root.mkdir(parents=True, exist_ok=True)
        resolved_root = root.resolve()
        temp_dir = root / STATE_DIR / "incoming"
        previous = self._read_manifest(root)

        # Stale files go first so a file can become a folder (or the reverse) in one write.
        removed: list[str] = []
        for path in sorted(previous - wanted.keys()):
            target = self._target(root, resolved_root, path)
            if target.is_file() or target.is_symlink():
                target.unlink()
                remove_empty_parents(target, stop_at=root)
                removed.append(path)

        written: list[str] = []
        unchanged: list[str] = []
        for path in sorted(wanted):
            target = self._target(root, resolved_root, path)
            data = wanted[path]
            if _same_bytes(target, data):
                unchanged.append(path)
                continue
            # Published files: a web server running as another user must be able to read them.
            atomic_write_chunks(target, [data], temp_dir=temp_dir, mode=PUBLIC_FILE_MODE)
            written.append(path)

        self._write_manifest(root, sorted(wanted), temp_dir)
        return WriteSummary(
            written=tuple(written), unchanged=tuple(unchanged), removed=tuple(removed)
        )

    # --- SiteReader: what is in the folder now -------------------------------------------

    def read(self, root: Path, path: str) -> bytes | None:
        target = root.joinpath(*split_relative_path(path, what="site file path"))
        if not target.parent.resolve().is_relative_to(root.resolve()):
            raise ValueError(f"site file path {path!r} leads outside {root}")
        try:
            return target.read_bytes() if target.is_file() and not target.is_symlink() else None
        except OSError:
            return None

    def list_paths(self, root: Path, prefix: str) -> list[str]:
        folder = root.joinpath(*split_relative_path(prefix, what="site folder path"))
        if not folder.is_dir() or folder.is_symlink():
            return []
        return sorted(
            p.relative_to(root).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()
        )

    @staticmethod
    def _target(root: Path, resolved_root: Path, path: str) -> Path:
        target = root.joinpath(*site_file_segments(path))
        # A symlinked folder inside the site could point anywhere; refuse to follow it out.
        if not target.parent.resolve().is_relative_to(resolved_root):
            raise ValueError(f"site file path {path!r} leads outside {root}")
        return target

    @staticmethod
    def _read_manifest(root: Path) -> set[str]:
        manifest = root / MANIFEST_PATH
        try:
            data = json.loads(manifest.read_bytes())
            files = data["files"]
        except FileNotFoundError:
            return set()
        except (ValueError, KeyError, TypeError):
            # Without a trustworthy manifest nothing is removed: deleting too little is safe.
            logger.warning("ignoring unreadable manifest %s", manifest)
            return set()
        valid: set[str] = set()
        for path in files:
            try:
                site_file_segments(path)
            except (ValueError, TypeError):
                logger.warning("ignoring invalid path %r in manifest %s", path, manifest)
                continue
            valid.add(path)
        return valid

    @staticmethod
    def _write_manifest(root: Path, paths: list[str], temp_dir: Path) -> None:
        body = {"files": paths, "version": _MANIFEST_VERSION}
        data = (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()
        manifest = root / MANIFEST_PATH
        if not _same_bytes(manifest, data):
            atomic_write_chunks(manifest, [data], temp_dir=temp_dir)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
