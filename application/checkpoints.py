"""Per-phase checkpoints kept in the storage port: a phase's output plus its input fingerprint."""

from __future__ import annotations

import json
from typing import TypeVar

from domain.errors import NotFound
from domain.ports import Storage
from domain.project import Phase
from domain.serialization import from_data, to_data

T = TypeVar("T")


class CheckpointStore:
    def __init__(self, storage: Storage, prefix: str) -> None:
        self._storage = storage
        self._prefix = prefix.rstrip("/")

    def _key(self, phase: Phase) -> str:
        return f"{self._prefix}/{phase.value}.json"

    def load(self, phase: Phase, fingerprint: str, cls: type[T]) -> T | None:
        """The stored output of ``phase`` when it was made from the same inputs, else None."""
        try:
            raw = self._storage.get(self._key(phase))
        except NotFound:
            return None
        try:
            record = json.loads(raw)
            if record.get("fingerprint") != fingerprint:
                return None
            return from_data(record["output"], cls)
        except (ValueError, KeyError, TypeError):
            # A damaged checkpoint is recomputed, never trusted.
            return None

    def save(self, phase: Phase, fingerprint: str, output: object) -> None:
        record = {"fingerprint": fingerprint, "output": to_data(output)}
        data = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        self._storage.put(self._key(phase), data)

    def clear(self) -> None:
        self._storage.delete_prefix(self._prefix + "/")
