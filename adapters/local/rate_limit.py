"""In-memory rate limiting (one process): a sliding log of request times per key."""

from __future__ import annotations

import math
import threading
from collections import deque

from domain.accounts import RateDecision
from domain.ports import Clock

# Keys are dropped once their window has passed, on a sweep every this many hits.
_SWEEP_EVERY = 10_000


class InMemoryRateLimiter:
    """``RateLimiter`` for a single API process; the Redis adapter shares counts across them."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}
        self._count = 0

    def hit(self, key: str, *, limit: int, window_ms: int) -> RateDecision:
        now = self._clock.now().timestamp()
        window = window_ms / 1000
        with self._lock:
            self._count += 1
            if self._count % _SWEEP_EVERY == 0:
                self._sweep(now - window)
            times = self._hits.setdefault(key, deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                retry = max(1, math.ceil(times[0] + window - now))
                return RateDecision(allowed=False, remaining=0, retry_after_seconds=retry)
            times.append(now)
            return RateDecision(allowed=True, remaining=limit - len(times), retry_after_seconds=0)

    def _sweep(self, horizon: float) -> None:
        for key in [k for k, times in self._hits.items() if not times or times[-1] <= horizon]:
            del self._hits[key]
