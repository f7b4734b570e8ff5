"""A sliding-window rate limiter that reads time only from the injected clock."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from domain.accounts import RateDecision
from domain.ports import Clock


class FakeRateLimiter:
    """``RateLimiter``; ``hits`` holds, per key, the times of the requests it let through
    (a refused request is not counted, as with the real adapters)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.hits: dict[str, list[datetime]] = {}

    def hit(self, key: str, *, limit: int, window_ms: int) -> RateDecision:
        now = self._clock.now()
        window = timedelta(milliseconds=window_ms)
        times = [t for t in self.hits.get(key, []) if t > now - window]
        self.hits[key] = times
        if len(times) >= limit:
            wait = (times[0] + window - now).total_seconds()
            return RateDecision(
                allowed=False, remaining=0, retry_after_seconds=max(1, math.ceil(wait))
            )
        times.append(now)
        return RateDecision(allowed=True, remaining=limit - len(times), retry_after_seconds=0)
