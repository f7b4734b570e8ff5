"""Redis clients that ride out a restart of the server.

Commands are retried with exponential backoff on connection errors for about
``RECONNECT_SECONDS``: a Redis restart or failover looks like a short pause, not a failure.
A readiness probe uses a client without retries, so it answers quickly.
"""

from __future__ import annotations

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

# 0.05 s doubling to 1 s: 30 retries cover a restart of about 25 s.
RETRIES = 30
BACKOFF_CAP_SECONDS = 1.0
BACKOFF_BASE_SECONDS = 0.05


def retrying() -> Retry:
    return Retry(
        ExponentialBackoff(cap=BACKOFF_CAP_SECONDS, base=BACKOFF_BASE_SECONDS),
        RETRIES,
        supported_errors=(RedisConnectionError, RedisTimeoutError, ConnectionError, OSError),
    )


def sync_client(url: str, *, socket_timeout: float, retry: bool = True) -> redis.Redis:
    """A client for ``url`` (its database number is honoured: ``redis://host:6379/3``)."""
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        retry=retrying() if retry else Retry(ExponentialBackoff(), 0),
        health_check_interval=30,
    )


class RedisProbe:
    """``DependencyProbe`` for the readiness endpoint: PING, no retries."""

    name = "redis"

    def __init__(self, url: str, *, socket_timeout: float) -> None:
        self._client = sync_client(url, socket_timeout=socket_timeout, retry=False)

    def check(self) -> None:
        self._client.ping()

    def close(self) -> None:
        self._client.close()
