"""Contract of the ``RateLimiter`` port: the fake and the in-process sliding log.

The window passes by moving an injected clock, never by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.local.rate_limit import InMemoryRateLimiter
from adapters.redis.client import sync_client
from adapters.redis.rate_limit import RedisRateLimiter
from domain.accounts import RateLimiter
from tests.fakes import FakeRateLimiter, FixedClock

MINUTE_MS = 60_000


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(params=["fake", "in-memory", "redis"])
def limiter(request: pytest.FixtureRequest, clock: FixedClock) -> Iterator[RateLimiter]:
    if request.param == "fake":
        yield FakeRateLimiter(clock)
    elif request.param == "redis":
        url = request.getfixturevalue("redis_url")
        prefix = request.getfixturevalue("redis_prefix")
        with sync_client(url, socket_timeout=5) as client:
            yield RedisRateLimiter(client, clock, key_prefix=prefix)
    else:
        yield InMemoryRateLimiter(clock)


def test_allows_limit_hits_then_refuses(limiter: RateLimiter) -> None:
    decisions = [limiter.hit("login:1.2.3.4", limit=3, window_ms=MINUTE_MS) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    assert all(d.retry_after_seconds == 0 for d in decisions)
    refused = limiter.hit("login:1.2.3.4", limit=3, window_ms=MINUTE_MS)
    assert not refused.allowed
    assert refused.remaining == 0
    assert 0 < refused.retry_after_seconds <= 60


def test_allows_again_once_the_window_has_passed(limiter: RateLimiter, clock: FixedClock) -> None:
    for _ in range(2):
        limiter.hit("k", limit=2, window_ms=MINUTE_MS)
    clock.advance(seconds=59)
    assert not limiter.hit("k", limit=2, window_ms=MINUTE_MS).allowed
    clock.advance(seconds=1)
    again = limiter.hit("k", limit=2, window_ms=MINUTE_MS)
    assert again.allowed
    assert again.remaining == 1


def test_retry_after_is_how_long_to_wait(limiter: RateLimiter, clock: FixedClock) -> None:
    limiter.hit("k", limit=1, window_ms=MINUTE_MS)
    clock.advance(seconds=20)
    refused = limiter.hit("k", limit=1, window_ms=MINUTE_MS)
    assert refused.retry_after_seconds == 40
    clock.advance(seconds=refused.retry_after_seconds)
    assert limiter.hit("k", limit=1, window_ms=MINUTE_MS).allowed


def test_retry_after_is_at_least_a_second(limiter: RateLimiter, clock: FixedClock) -> None:
    limiter.hit("k", limit=1, window_ms=MINUTE_MS)
    clock.advance(seconds=59.9)
    assert limiter.hit("k", limit=1, window_ms=MINUTE_MS).retry_after_seconds == 1


def test_the_window_slides(limiter: RateLimiter, clock: FixedClock) -> None:
    limiter.hit("k", limit=2, window_ms=MINUTE_MS)  # t=0
    clock.advance(seconds=30)
    limiter.hit("k", limit=2, window_ms=MINUTE_MS)  # t=30
    clock.advance(seconds=30)  # t=60: the first hit has left the window, the second not
    assert limiter.hit("k", limit=2, window_ms=MINUTE_MS).allowed
    refused = limiter.hit("k", limit=2, window_ms=MINUTE_MS)
    assert not refused.allowed
    assert refused.retry_after_seconds == 30


def test_keys_are_independent(limiter: RateLimiter) -> None:
    assert limiter.hit("login:a", limit=1, window_ms=MINUTE_MS).allowed
    assert not limiter.hit("login:a", limit=1, window_ms=MINUTE_MS).allowed
    assert limiter.hit("login:b", limit=1, window_ms=MINUTE_MS).allowed
    assert limiter.hit("register:a", limit=1, window_ms=MINUTE_MS).allowed


def test_a_short_window_in_milliseconds(limiter: RateLimiter, clock: FixedClock) -> None:
    assert limiter.hit("k", limit=1, window_ms=500).allowed
    assert not limiter.hit("k", limit=1, window_ms=500).allowed
    clock.advance(seconds=0.5)
    assert limiter.hit("k", limit=1, window_ms=500).allowed


def test_redis_counts_are_shared_by_every_instance(
    redis_url: str, redis_prefix: str, clock: FixedClock
) -> None:
    with (
        sync_client(redis_url, socket_timeout=5) as one,
        sync_client(redis_url, socket_timeout=5) as two,
    ):
        first = RedisRateLimiter(one, clock, key_prefix=redis_prefix)
        second = RedisRateLimiter(two, clock, key_prefix=redis_prefix)
        assert first.hit("k", limit=2, window_ms=MINUTE_MS).allowed
        assert second.hit("k", limit=2, window_ms=MINUTE_MS).allowed
        assert not first.hit("k", limit=2, window_ms=MINUTE_MS).allowed
        assert 0 < one.pttl(f"{redis_prefix}ratelimit:k") <= MINUTE_MS
