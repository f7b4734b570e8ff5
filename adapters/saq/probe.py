"""Readiness of the SAQ broker: the API can enqueue when Redis or PostgreSQL answers."""

from __future__ import annotations

CONNECT_TIMEOUT_SECONDS = 3


class SaqBrokerProbe:
    """Pings the queue's broker (``QUEUE_URL``) with a short-lived connection."""

    name = "queue"

    def __init__(self, url: str) -> None:
        self._url = url

    def check(self) -> None:
        if self._url.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(self._url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
                conn.execute("SELECT 1")
            return
        import redis

        client = redis.Redis.from_url(
            self._url,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            socket_timeout=CONNECT_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
