"""Small filesystem helpers shared by the local adapters: atomic writes, a durability
barrier for many files at once, and tidy removal."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def atomic_write_chunks(
    target: Path, chunks: Iterable[bytes], *, temp_dir: Path, mode: int | None = None
) -> None:
    """Write ``chunks`` to a temporary file in ``temp_dir`` and move it over ``target``.

    Readers see either the old file or the whole new one, never a half-written file.
    ``temp_dir`` must be on the same filesystem as ``target`` for the move to be atomic.
    The file is private (0600, as ``mkstemp`` makes it) unless ``mode`` is given; ``mode``
    is masked by the process umask, as ``open()`` would do.
    """
    temp_dir.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=temp_dir, prefix=".", suffix=".part")
    try:
        if mode is not None:
            os.fchmod(fd, mode & ~current_umask())
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        _replace_creating_parents(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: set and restore (not atomic, but brief)
    os.umask(mask)
    return mask


def _replace_creating_parents(source: str, target: Path) -> None:
    # A concurrent prune of empty folders may remove the parent between mkdir and replace;
    # a second attempt recreates it.
    for attempt in range(3):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
            return
        except FileNotFoundError:
            if attempt == 2:
                raise


def remove_empty_parents(path: Path, *, stop_at: Path) -> None:
    """Remove the now-empty folders above ``path`` up to, but not including, ``stop_at``."""
    folder = path.parent
    while folder != stop_at and stop_at in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            # Not empty (or already gone): nothing above it can be empty either.
            return
        folder = folder.parent


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
    syncfs: Callable[[int], int] | None = getattr(libc, "syncfs", None)
    return syncfs


_SYNCFS = _load_syncfs()


def durability_barrier(folder: Path) -> None:
    """Make everything written so far on ``folder``'s filesystem durable, in one call.

    Linux's ``syncfs`` flushes the data, inodes and directory entries of that one filesystem
    and (since 5.8) reports a write-back error; elsewhere ``os.sync`` flushes every
    filesystem. One call costs about what one ``fsync`` does, where an ``fsync`` per file
    costs a journal commit each (measured: 2,000 files, 10 s against 0.2 s).
    """
    if _SYNCFS is None:
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _SYNCFS(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"syncfs failed: {os.strerror(code)}", str(folder))
    finally:
        os.close(fd)
