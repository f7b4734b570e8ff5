"""A session store in a dict, expiring entries by an injected clock."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from domain.ports import Clock


class FakeSessionStore:
    """``SessionStore`` in memory; ``entries`` maps key to (value, expires_at)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.entries: dict[str, tuple[bytes, datetime]] = {}
        self._lock = threading.Lock()  # compare-and-set is atomic, as in the real stores

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self.entries[key] = (bytes(value), self._clock.now() + timedelta(seconds=ttl_seconds))

    def get(self, key: str) -> bytes | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if expires_at <= self._clock.now():
            del self.entries[key]
            return None
        return value

    def delete(self, key: str) -> None:
        self.entries.pop(key, None)

    def put_if(self, key: str, value: bytes, ttl_seconds: int, *, expected: bytes | None) -> bool:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        with self._lock:
            if self.get(key) != expected:
                return False
            self.put(key, value, ttl_seconds)
            return True

    def delete_if(self, key: str, expected: bytes) -> bool:
        with self._lock:
            if self.get(key) != expected:
                return False
            self.delete(key)
            return True
