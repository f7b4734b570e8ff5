"""Shared test helpers for external services (PostgreSQL, Redis, an S3 server).

A test that needs a service skips when the service is unreachable on a developer's machine,
but fails in CI (``CI=true``) or when ``KIRBYGEN_REQUIRE_SERVICES=1``: a missing service must
never turn a CI run green by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from adapters.s3.storage import S3Options
from tests.support.servers import RedisServer, moto_server

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
POSTGRES_CONNECT_TIMEOUT_SECONDS = 3

# No test talks to the real Anthropic API: a key (or model settings) from the developer's shell
# must not switch the skills of in-process tests to Claude.
for _variable in ("ANTHROPIC_API_KEY", "CLAUDE_API_KEY", "ANTHROPIC_BASE_URL", "CLAUDE_MODEL"):
    os.environ.pop(_variable, None)

# name -> None when reachable, else why not; each service is probed once per test session.
_service_status: dict[str, str | None] = {}


def services_required() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("KIRBYGEN_REQUIRE_SERVICES") == "1"
    )


def require_service(name: str, check: Callable[[], object]) -> None:
    """Skip (locally) or fail (in CI) the calling test when ``check()`` raises."""
    if name not in _service_status:
        try:
            check()
        except Exception as error:
            _service_status[name] = f"{type(error).__name__}: {' '.join(str(error).split())}"
        else:
            _service_status[name] = None
    problem = _service_status[name]
    if problem is None:
        return
    message = f"{name} is not reachable ({problem})"
    if services_required():
        pytest.fail(
            f"{message}; it is required because CI=true or KIRBYGEN_REQUIRE_SERVICES=1",
            pytrace=False,
        )
    pytest.skip(message)


def _postgres_connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, connect_timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS, autocommit=True)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """URL of a PostgreSQL database allowed to create databases (``KIRBYGEN_TEST_POSTGRES_URL``,
    default: user ``postgres`` on 127.0.0.1:5432, trust auth)."""
    url = os.environ.get("KIRBYGEN_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    require_service("PostgreSQL", lambda: _postgres_connect(url).close())
    return url


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """Create a uniquely named, empty database; yields its URL and drops it afterwards."""
    name = f"kirbygen_test_{uuid.uuid4().hex[:12]}"
    with _postgres_connect(admin_url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with _postgres_connect(admin_url) as admin:
            # FORCE ends connections a test forgot to close instead of failing the drop.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, empty database for this test session, dropped afterwards.

    Plain ``postgresql://`` URL; ``adapters.sql.database.create_engine_for`` picks psycopg 3.
    """
    with postgres_database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A database of its own for one test (e.g. one that migrates down and up)."""
    with postgres_database(postgres_admin_url) as url:
        yield url


def _redis_ping(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of a Redis server (``KIRBYGEN_TEST_REDIS_URL``, default 127.0.0.1:6379/0) shared
    with others: tests keep to keys of their own prefix and delete them afterwards."""
    url = os.environ.get("KIRBYGEN_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    require_service("Redis", lambda: _redis_ping(url))
    return url


def delete_redis_keys(url: str, pattern: str) -> None:
    """Delete the keys matching ``pattern`` (a test's own prefix) on the server at ``url``."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own on the shared Redis; its keys are deleted afterwards."""
    prefix = f"kirbygen-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    delete_redis_keys(redis_url, prefix + "*")


@pytest.fixture
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of this test's own on a free port, which the test may restart."""
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except FileNotFoundError as error:
        missing = str(error)

        def unavailable() -> None:
            raise FileNotFoundError(missing)

        require_service("redis-server", unavailable)
        raise
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, started for this test session on a free loopback port."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> Iterator[S3Options]:
    """A bucket of this test's own on the moto server, emptied and removed afterwards."""
    from adapters.s3.storage import make_client

    options = S3Options(
        bucket=f"kirbygen-test-{uuid.uuid4().hex[:12]}",
        region="us-east-1",
        access_key_id="test-key",
        secret_access_key="test-secret",
        endpoint=s3_endpoint,
        path_style=True,
    )
    client = make_client(options)
    client.create_bucket(Bucket=options.bucket)
    yield options
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=options.bucket):
        objects = [{"Key": item["Key"]} for item in page.get("Contents") or ()]
        if objects:
            client.delete_objects(Bucket=options.bucket, Delete={"Objects": objects})
    client.delete_bucket(Bucket=options.bucket)
    client.close()
