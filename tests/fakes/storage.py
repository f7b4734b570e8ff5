"""Blob storage in a dict, with the same key rules and errors as the real stores."""

from __future__ import annotations

import hashlib
import io
from typing import BinaryIO

from adapters.local.paths import validate_key, validate_prefix
from domain.errors import NotFound
from domain.ports import StoredObject


class FakeStorage:
    """``Storage`` in memory; ``objects`` maps key to bytes for direct inspection."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, data: bytes | BinaryIO) -> StoredObject:
        validate_key(key)
        body = bytes(data) if isinstance(data, bytes | bytearray | memoryview) else data.read()
        self.objects[key] = body
        return StoredObject(key=key, size=len(body), sha256=hashlib.sha256(body).hexdigest())

    def get(self, key: str) -> bytes:
        validate_key(key)
        try:
            return self.objects[key]
        except KeyError:
            raise NotFound(f"no stored object under key {key!r}") from None

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.get(key))

    def presigned_url(self, key: str, *, download_name: str, media_type: str) -> str | None:
        return None

    def exists(self, key: str) -> bool:
        validate_key(key)
        return key in self.objects

    def delete(self, key: str) -> None:
        validate_key(key)
        self.objects.pop(key, None)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for key in keys:
            del self.objects[key]
        return len(keys)

    def list(self, prefix: str) -> list[str]:
        validate_prefix(prefix)
        return sorted(key for key in self.objects if key.startswith(prefix))
