"""Blob storage in a local directory: one file per key, written atomically."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from adapters.local.files import atomic_write_chunks, remove_empty_parents
from adapters.local.paths import split_relative_path, validate_prefix
from domain.errors import NotFound
from domain.ports import StoredObject

# Temporary files live in a reserved folder under the root so listings never show them and the
# final rename stays on one filesystem.
_INCOMING = ".incoming"
DEFAULT_CHUNK_SIZE = 1024 * 1024


class LocalStorage:
    """``Storage`` on the local filesystem; key ``a/b.json`` is the file ``root/a/b.json``."""

    def __init__(self, root: Path, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self._root = Path(root)
        self._chunk_size = chunk_size

    @property
    def root(self) -> Path:
        return self._root

    def put(self, key: str, data: bytes | BinaryIO) -> StoredObject:
        target = self._path(key)
        digest = hashlib.sha256()
        size = 0

        def counted() -> Iterator[bytes]:
            nonlocal size
            for chunk in self._chunks(data):
                digest.update(chunk)
                size += len(chunk)
                yield chunk

        atomic_write_chunks(target, counted(), temp_dir=self._root / _INCOMING)
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no stored object under key {key!r}") from None

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no stored object under key {key!r}") from None

    def presigned_url(self, key: str, *, download_name: str, media_type: str) -> str | None:
        return None  # files on this machine are served through the API

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
        remove_empty_parents(path, stop_at=self._root)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for key in keys:
            self.delete(key)
        return len(keys)

    def list(self, prefix: str) -> list[str]:
        validate_prefix(prefix)
        # Prefixes are plain string prefixes (as in S3): walk the deepest folder they name
        # completely, then filter.
        folder_part = prefix.rpartition("/")[0]
        start = self._root / folder_part if folder_part else self._root
        if not start.is_dir():
            return []
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(start):
            here = Path(dirpath)
            if here == self._root and _INCOMING in dirnames:
                dirnames.remove(_INCOMING)
            for name in filenames:
                key = (here / name).relative_to(self._root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def _path(self, key: str) -> Path:
        segments = split_relative_path(key, what="storage key")
        if segments[0] == _INCOMING:
            raise ValueError(f"storage key {key!r} uses the reserved folder {_INCOMING!r}")
        return self._root.joinpath(*segments)

    def _chunks(self, data: bytes | BinaryIO) -> Iterator[bytes]:
        if isinstance(data, bytes | bytearray | memoryview):
            view = memoryview(data)
            for start in range(0, len(view), self._chunk_size):
                yield bytes(view[start : start + self._chunk_size])
            return
        while chunk := data.read(self._chunk_size):
            yield chunk
