"""The real clock and id generator (tests inject fixed ones instead)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


class SystemClock:
    """``Clock`` reading the system time as a timezone-aware UTC datetime."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidGenerator:
    """``IdGenerator`` producing random UUID4s as 32 lowercase hex characters."""

    def new_id(self) -> str:
        return uuid.uuid4().hex
