"""Contract of the ``SessionStore`` port: the fake and SQL on SQLite and PostgreSQL.

Time to live is tested by moving an injected clock, never by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from adapters.redis.client import sync_client
from adapters.redis.sessions import RedisSessionStore
from adapters.sql.sessions import SqlSessionStore
from adapters.sql.tables import SessionRow
from domain.ports import SessionStore
from tests.fakes import FakeSessionStore, FixedClock

WEEK = 7 * 24 * 3600


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(params=["fake", "sqlite", "postgresql", "redis"])
def sessions(request: pytest.FixtureRequest, clock: FixedClock) -> Iterator[SessionStore]:
    if request.param == "fake":
        yield FakeSessionStore(clock)
        return
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        prefix = request.getfixturevalue("redis_prefix")
        with sync_client(url, socket_timeout=5) as client:
            yield RedisSessionStore(client, clock, key_prefix=prefix)
        return
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    yield SqlSessionStore(engine, clock)


def test_put_then_get(sessions: SessionStore) -> None:
    sessions.put("login:abc", b"\x00\x01 binary \xff", WEEK)
    assert sessions.get("login:abc") == b"\x00\x01 binary \xff"
    assert sessions.get("login:other") is None


def test_put_replaces_the_value(sessions: SessionStore) -> None:
    sessions.put("k", b"one", 60)
    sessions.put("k", b"two", 60)
    assert sessions.get("k") == b"two"


def test_delete(sessions: SessionStore) -> None:
    sessions.put("k", b"v", 60)
    sessions.delete("k")
    assert sessions.get("k") is None
    sessions.delete("k")  # deleting what is gone is fine


def test_a_value_expires_after_its_ttl(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("k", b"v", 60)
    clock.advance(seconds=59)
    assert sessions.get("k") == b"v"
    clock.advance(seconds=1)
    assert sessions.get("k") is None
    clock.advance(seconds=3600)
    assert sessions.get("k") is None


def test_putting_again_renews_the_ttl(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("k", b"v", 60)
    clock.advance(seconds=50)
    sessions.put("k", b"v2", 60)
    clock.advance(seconds=50)
    assert sessions.get("k") == b"v2"


def test_an_expired_key_can_be_put_again(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("k", b"old", 10)
    clock.advance(seconds=20)
    sessions.put("k", b"new", 10)
    assert sessions.get("k") == b"new"


def test_keys_expire_independently(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("short", b"s", 10)
    sessions.put("long", b"l", WEEK)
    clock.advance(timedelta(days=1))
    assert sessions.get("short") is None
    assert sessions.get("long") == b"l"


@pytest.mark.parametrize("ttl", [0, -5])
def test_a_ttl_must_be_positive(sessions: SessionStore, ttl: int) -> None:
    with pytest.raises(ValueError):
        sessions.put("k", b"v", ttl)


def test_large_values(sessions: SessionStore) -> None:
    value = bytes(range(256)) * 4096  # 1 MiB conversation state
    sessions.put("conv:p1", value, 60)
    assert sessions.get("conv:p1") == value


# --- compare-and-set: what concurrent read-modify-writes rely on -----------------------------


def test_put_if_absent_stores_only_once(sessions: SessionStore) -> None:
    assert sessions.put_if("lock", b"a", 60, expected=None) is True
    assert sessions.put_if("lock", b"b", 60, expected=None) is False
    assert sessions.get("lock") == b"a"


def test_put_if_absent_treats_an_expired_value_as_absent(
    sessions: SessionStore, clock: FixedClock
) -> None:
    sessions.put("lock", b"old", 10)
    clock.advance(seconds=11)
    assert sessions.put_if("lock", b"new", 10, expected=None) is True
    assert sessions.get("lock") == b"new"


def test_put_if_replaces_only_the_expected_value(sessions: SessionStore) -> None:
    sessions.put("k", b"v1", 60)
    assert sessions.put_if("k", b"v2", 60, expected=b"other") is False
    assert sessions.put_if("k", b"v2", 60, expected=b"v1") is True
    assert sessions.put_if("k", b"v3", 60, expected=b"v1") is False  # v1 is no longer there
    assert sessions.get("k") == b"v2"
    assert sessions.put_if("missing", b"x", 60, expected=b"v1") is False
    assert sessions.get("missing") is None


def test_put_if_does_not_revive_an_expired_value(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("k", b"v1", 10)
    clock.advance(seconds=11)
    assert sessions.put_if("k", b"v2", 10, expected=b"v1") is False
    assert sessions.get("k") is None


def test_put_if_renews_the_ttl(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("k", b"v1", 10)
    clock.advance(seconds=9)
    assert sessions.put_if("k", b"v2", 10, expected=b"v1")
    clock.advance(seconds=9)
    assert sessions.get("k") == b"v2"


@pytest.mark.parametrize("ttl", [0, -5])
def test_put_if_needs_a_positive_ttl(sessions: SessionStore, ttl: int) -> None:
    with pytest.raises(ValueError):
        sessions.put_if("k", b"v", ttl, expected=None)


def test_delete_if_deletes_only_the_expected_value(sessions: SessionStore) -> None:
    sessions.put("k", b"v1", 60)
    assert sessions.delete_if("k", b"other") is False
    assert sessions.get("k") == b"v1"
    assert sessions.delete_if("k", b"v1") is True
    assert sessions.get("k") is None
    assert sessions.delete_if("k", b"v1") is False


def test_delete_if_ignores_an_expired_value(sessions: SessionStore, clock: FixedClock) -> None:
    sessions.put("k", b"v1", 10)
    clock.advance(seconds=11)
    assert sessions.delete_if("k", b"v1") is False


def test_racing_writers_one_wins_each_step(sessions: SessionStore) -> None:
    """Threads racing on one key: each compare-and-set step has exactly one winner."""
    sessions.put("k", b"start", 60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda n: sessions.put_if("k", f"w{n}".encode(), 60, expected=b"start"), range(8)
            )
        )
    assert results.count(True) == 1
    winner = sessions.get("k")
    assert winner is not None
    with ThreadPoolExecutor(max_workers=8) as pool:
        deleted = list(pool.map(lambda _: sessions.delete_if("k", winner), range(8)))
    assert deleted.count(True) == 1
    with ThreadPoolExecutor(max_workers=8) as pool:
        locked = list(
            pool.map(
                lambda n: sessions.put_if("lock", str(n).encode(), 60, expected=None), range(8)
            )
        )
    assert locked.count(True) == 1


# --- SQL only: expired rows do not pile up ----------------------------------------------------


def count_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(SessionRow)) or 0


def test_sql_purges_expired_rows_lazily(sql_engine: Engine, clock: FixedClock) -> None:
    store = SqlSessionStore(sql_engine, clock)
    store.put("a", b"1", 10)
    store.put("b", b"2", 10)
    clock.advance(seconds=11)
    assert store.get("a") is None
    assert count_rows(sql_engine) == 1  # the row read as expired is gone
    store.put("c", b"3", 10)
    assert count_rows(sql_engine) == 1  # a put sweeps the rest


def test_sql_purge_expired_reports_how_many(sql_engine: Engine, clock: FixedClock) -> None:
    store = SqlSessionStore(sql_engine, clock)
    store.put("a", b"1", 10)
    store.put("b", b"2", 100)
    clock.advance(seconds=50)
    assert store.purge_expired() == 1
    assert store.get("b") == b"2"


# --- Redis only: SETEX under the key prefix -----------------------------------------------------


def test_redis_keeps_each_session_under_the_prefix_with_its_ttl(
    redis_url: str, redis_prefix: str, clock: FixedClock
) -> None:
    with sync_client(redis_url, socket_timeout=5) as client:
        store = RedisSessionStore(client, clock, key_prefix=redis_prefix)
        store.put("login:abc", b"v", WEEK)
        key = f"{redis_prefix}session:login:abc"
        assert 0 < client.ttl(key) <= WEEK
        other = RedisSessionStore(client, clock, key_prefix=redis_prefix + "other:")
        assert other.get("login:abc") is None  # another tenant of the same database
        store.delete("login:abc")
        assert client.exists(key) == 0


def test_redis_honours_the_database_number_of_its_url(
    redis_url: str, redis_prefix: str, clock: FixedClock
) -> None:
    base = redis_url.rsplit("/", 1)[0]
    with (
        sync_client(f"{base}/5", socket_timeout=5) as db5,
        sync_client(f"{base}/0", socket_timeout=5) as db0,
    ):
        RedisSessionStore(db5, clock, key_prefix=redis_prefix).put("k", b"v", 60)
        key = f"{redis_prefix}session:k"
        try:
            assert db5.exists(key) == 1
            assert db0.exists(key) == 0
            assert RedisSessionStore(db0, clock, key_prefix=redis_prefix).get("k") is None
        finally:
            db5.delete(key)
