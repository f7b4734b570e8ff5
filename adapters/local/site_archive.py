"""Zips a generated site folder into a temporary file, for storage to stream from."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

# Small archives stay in memory; larger ones go to a temporary file.
DEFAULT_SPOOL_BYTES = 8 * 1024 * 1024


class ZipSiteArchiver:
    """``SiteArchiver`` writing a deflated zip of every file under the root, in sorted order
    with '/'-separated relative names (the same bytes for the same folder)."""

    def __init__(self, *, spool_bytes: int = DEFAULT_SPOOL_BYTES) -> None:
        self._spool_bytes = spool_bytes

    @contextmanager
    def archive(self, root: Path) -> Iterator[BinaryIO]:
        with tempfile.SpooledTemporaryFile(max_size=self._spool_bytes) as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for folder, dirs, files in os.walk(root):
                    dirs.sort()
                    for name in sorted(files):
                        path = Path(folder, name)
                        archive.write(path, path.relative_to(root).as_posix())
            spool.seek(0)
            yield cast(BinaryIO, spool)
