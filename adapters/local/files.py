"""Small filesystem helpers shared by the local adapters: atomic writes and tidy removal."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
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
