"""A clock that moves only when told, and ids that count up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    """``Clock`` standing still at ``now`` until ``set`` or ``advance`` moves it."""

    def __init__(self, now: datetime = DEFAULT_START) -> None:
        self._now = _aware(now)

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = _aware(now)

    def advance(self, delta: timedelta | None = None, *, seconds: float = 0) -> datetime:
        """Move forward by ``delta`` and/or ``seconds``; returns the new time."""
        step = (delta or timedelta()) + timedelta(seconds=seconds)
        if step < timedelta():
            raise ValueError("a clock only moves forward")
        self._now += step
        return self._now


class SequentialIds:
    """``IdGenerator`` giving ``id-000001``, ``id-000002`` …: predictable and sortable."""

    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._count = 0

    def new_id(self) -> str:
        self._count += 1
        return f"{self._prefix}-{self._count:06d}"


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("use timezone-aware datetimes")
    return value
