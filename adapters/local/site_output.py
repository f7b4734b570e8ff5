"""Writes a generated site into a folder, touching only what changed.

A manifest of the files written last time lets the next write remove files the generator no
longer produces, while files a person added by hand (never in the manifest) are left alone.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from adapters.local.files import atomic_write_chunks, durability_barrier, remove_empty_parents
from adapters.local.paths import split_relative_path
from domain.ports import WriteProgress
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
    """``SiteOutput`` and ``SiteReader`` on the local filesystem.

    A write never shows a reader a half-written file, and a crash leaves every file either as
    it was or whole and new:

    1. each changed file is staged in a temporary copy of its folders beside the site
       (``.kirbygen/incoming/``, the same filesystem);
    2. one durability barrier makes the staged bytes durable;
    3. a folder the site does not have yet moves into place whole (a new page appears with
       all its files at once, and a first write moves ``content/`` in one rename); any other
       file is renamed over its target; the manifest goes last;
    4. a second barrier makes the new names durable.

    Two barriers per write whatever the size of the site, instead of an ``fsync`` per file
    (see ``durability_barrier``).
    """

    def write(
        self, root: Path, files: Sequence[SiteFile], progress: WriteProgress | None = None
    ) -> WriteSummary:
        wanted = unique_site_paths(files)
        root.mkdir(parents=True, exist_ok=True)
        folders = _SiteFolders(root)
        previous = self._read_manifest(root)
        manifest = _manifest_bytes(sorted(wanted))
        incoming = root / STATE_DIR / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_batches(incoming)
        batch = _StagedTree(Path(tempfile.mkdtemp(dir=incoming, prefix=f"write-{os.getpid()}-")))
        try:
            written, unchanged = self._stage(folders, wanted, batch, progress)
            manifest_changed = not _same_bytes(root / MANIFEST_PATH, manifest)
            if manifest_changed:
                batch.add_aside("manifest", manifest)
            if written or manifest_changed:
                durability_barrier(root)
            # Stale files go first so a file can become a folder (or the reverse) in one write.
            removed = self._remove_stale(root, folders, sorted(previous - wanted.keys()))
            batch.move_into(root, written)
            if manifest_changed:
                os.replace(batch.aside("manifest"), root / MANIFEST_PATH)
            if written or manifest_changed or removed:
                durability_barrier(root)
        finally:
            shutil.rmtree(batch.folder, ignore_errors=True)
        return WriteSummary(
            written=tuple(written), unchanged=tuple(unchanged), removed=tuple(removed)
        )

    def replace_file(self, root: Path, file: SiteFile) -> None:
        site_file_segments(file.path)
        target = Path(_SiteFolders(root).target(file.path))
        if not _same_bytes(target, file.data):
            incoming = root / STATE_DIR / "incoming"
            atomic_write_chunks(target, [file.data], temp_dir=incoming, mode=PUBLIC_FILE_MODE)

    @staticmethod
    def _stage(
        folders: _SiteFolders,
        wanted: dict[str, bytes],
        batch: _StagedTree,
        progress: WriteProgress | None,
    ) -> tuple[list[str], list[str]]:
        """Stages each file whose bytes changed; returns the paths staged and unchanged."""
        written: list[str] = []
        unchanged: list[str] = []
        total = len(wanted)
        for done, path in enumerate(sorted(wanted), start=1):
            target = folders.target(path)
            data = wanted[path]
            if _same_bytes(target, data):
                unchanged.append(path)
            else:
                batch.add(path, data)
                written.append(path)
            if progress is not None:
                progress(done, total)
        return written, unchanged

    @staticmethod
    def _remove_stale(root: Path, folders: _SiteFolders, paths: list[str]) -> list[str]:
        removed: list[str] = []
        for path in paths:
            target = Path(folders.target(path))
            if target.is_file() or target.is_symlink():
                target.unlink()
                remove_empty_parents(target, stop_at=root)
                removed.append(path)
        return removed

    # --- SiteReader: what is in the folder now -------------------------------------------

    def read(self, root: Path, path: str) -> bytes | None:
        target = root.joinpath(*split_relative_path(path, what="site file path"))
        if not target.parent.resolve().is_relative_to(root.resolve()):
            raise ValueError(f"site file path {path!r} leads outside {root}")
        try:
            return target.read_bytes() if target.is_file() and not target.is_symlink() else None
        except OSError:
            return None

    def read_many(self, root: Path, paths: Sequence[str]) -> dict[str, bytes | None]:
        folders = _SiteFolders(root)
        found: dict[str, bytes | None] = {}
        for path in paths:
            split_relative_path(path, what="site file path")
            found[path] = _read_regular_file(folders.target(path))
        return found

    def list_paths(self, root: Path, prefix: str) -> list[str]:
        folder = root.joinpath(*split_relative_path(prefix, what="site folder path"))
        if not folder.is_dir() or folder.is_symlink():
            return []
        start = len(f"{root}/")
        return sorted(path[start:] for path in _regular_files_below(str(folder)))

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


def _manifest_bytes(paths: list[str]) -> bytes:
    body = {"files": paths, "version": _MANIFEST_VERSION}
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def _remove_abandoned_batches(incoming: Path) -> None:
    """Staged files of a write whose process is gone (killed, or the machine stopped)."""
    for batch in incoming.glob("write-*-*"):
        pid = batch.name.split("-")[1]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(batch, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class _StagedTree:
    """Files staged under ``folder/tree`` at their site paths, plus a few set aside.

    Paths are plain strings here: this runs once per file, and pathlib's objects cost more
    than the system calls on a fast disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._tree = folder / "tree"
        self._tree_prefix = f"{self._tree}/"
        self._made: set[str] = set()

    def add(self, path: str, data: bytes) -> None:
        parent, _, _ = path.rpartition("/")
        if parent not in self._made:
            os.makedirs(self._tree_prefix + parent, exist_ok=True)
            self._made.add(parent)
        # Published files: a web server running as another user must be able to read them.
        _write_new(self._tree_prefix + path, data, PUBLIC_FILE_MODE)

    def add_aside(self, name: str, data: bytes) -> None:
        _write_new(self.aside(name), data, 0o600)

    def aside(self, name: str) -> Path:
        return self.folder / name

    def move_into(self, root: Path, paths: list[str]) -> None:
        """Moves the staged ``paths`` into ``root``: a folder ``root`` lacks moves whole."""
        moved: set[tuple[str, ...]] = set()
        present: dict[tuple[str, ...], bool] = {}
        for path in paths:
            segments = tuple(path.split("/"))
            folders = [segments[:depth] for depth in range(1, len(segments))]
            if any(folder in moved for folder in folders):
                continue  # it went with its folder
            missing = next((f for f in folders if not _is_dir(root, f, present)), None)
            if missing is not None:
                os.replace(self._tree.joinpath(*missing), root.joinpath(*missing))
                moved.add(missing)
                present[missing] = True
            else:
                os.replace(self._tree.joinpath(*segments), root.joinpath(*segments))


def _is_dir(root: Path, folder: tuple[str, ...], known: dict[tuple[str, ...], bool]) -> bool:
    found = known.get(folder)
    if found is None:
        found = known[folder] = root.joinpath(*folder).is_dir()
    return found


def _write_new(path: str | Path, data: bytes, mode: int) -> None:
    """``data`` in a new file at ``path``; ``mode`` is masked by the umask, as ``open`` does."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


class _SiteFolders:
    """Checks, once per folder, that a site path stays inside the root: a symlinked folder
    could point anywhere."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._prefix = f"{root}/"
        self._resolved_root = root.resolve()
        self._inside: set[str] = {""}

    def target(self, path: str) -> str:
        """The file's path in the site (``path`` has been validated by the caller)."""
        parent, _, _ = path.rpartition("/")
        if parent not in self._inside:
            segments = parent.split("/")
            for depth in range(1, len(segments) + 1):
                folder = "/".join(segments[:depth])
                if folder in self._inside:
                    continue
                candidate = self._prefix + folder
                if os.path.islink(candidate) and not Path(candidate).resolve().is_relative_to(
                    self._resolved_root
                ):
                    raise ValueError(f"site file path {path!r} leads outside {self._root}")
                self._inside.add(folder)
        return self._prefix + path


def _regular_files_below(folder: str) -> Iterator[str]:
    """Regular files anywhere below ``folder``; symbolic links are neither listed nor followed
    (``scandir`` knows each entry's type without another system call)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _regular_files_below(entry.path)
            elif entry.is_file(follow_symlinks=False):
                yield entry.path


def _read_regular_file(path: str) -> bytes | None:
    """The bytes of a regular file at ``path``; None when absent, a folder or a symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as file:
        return file.read()


def _same_bytes(path: str | Path, data: bytes) -> bool:
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        with open(path, "rb") as existing:
            return existing.read() == data
    except OSError:
        return False
