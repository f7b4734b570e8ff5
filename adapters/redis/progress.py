"""Progress fan-out over Redis pub/sub: a listener on any API instance receives the events
published by any worker.

Pub/sub delivers only to whoever is connected at that moment. A subscription that loses its
connection (a Redis restart) reconnects with backoff and subscribes again; what was published
meanwhile is not redelivered — consumers catch up from the stored events (by ``seq``), which
are the record. Publishing never fails a run: a message Redis could not take is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from adapters.event_buffer import CLOSED, DEFAULT_SUBSCRIBER_BUFFER, BufferedSubscription
from domain.project import ProgressEvent
from domain.serialization import from_data, to_data

logger = logging.getLogger(__name__)

RECONNECT_BACKOFF_START_SECONDS = 0.1
RECONNECT_BACKOFF_CAP_SECONDS = 2.0


def _encode(kind: str, event: ProgressEvent | None = None) -> str:
    return json.dumps({"type": kind, "event": None if event is None else to_data(event)})


class RedisSubscription(BufferedSubscription):
    """One listener's live events of a run; a background task reads the channel."""

    def __init__(self, url: str, channel: str, buffer: int) -> None:
        super().__init__(buffer)
        self._url = url
        self._channel = channel
        self._subscribed = asyncio.Event()
        self.reconnects = 0
        self._task = asyncio.get_running_loop().create_task(self._listen())

    async def started(self) -> None:
        """Returns once the channel is subscribed (events from then on are received)."""
        waiter = asyncio.ensure_future(self._subscribed.wait())
        done, _ = await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()

    def close(self) -> None:
        if not self._task.done():
            self._task.cancel()
        super().close()

    async def _listen(self) -> None:
        backoff = RECONNECT_BACKOFF_START_SECONDS
        while True:
            client = aioredis.Redis.from_url(self._url, socket_connect_timeout=5)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                self._subscribed.set()
                backoff = RECONNECT_BACKOFF_START_SECONDS
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    if self._handle(message["data"]):
                        return
            except (RedisError, OSError) as exc:
                self.reconnects += 1
                logger.info("progress channel %s lost (%s); reconnecting", self._channel, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, RECONNECT_BACKOFF_CAP_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()

    def _handle(self, data: Any) -> bool:
        """Queue one message; True when it ended the run's stream."""
        try:
            message = json.loads(data)
            if message["type"] == "end":
                self._put(CLOSED)
                return True
            self._put(from_data(message["event"], ProgressEvent))
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignored a malformed progress message on %s: %s", self._channel, exc)
        return False


class RedisProgressStream:
    """``ProgressStream`` on Redis pub/sub, one channel per run under the key prefix."""

    def __init__(
        self,
        url: str,
        client: redis.Redis,
        *,
        key_prefix: str,
        subscriber_buffer: int = DEFAULT_SUBSCRIBER_BUFFER,
    ) -> None:
        if subscriber_buffer < 1:
            raise ValueError("subscriber_buffer must be at least 1")
        self._url = url
        self._client = client
        self._prefix = key_prefix + "progress:"
        self._buffer = subscriber_buffer

    def channel(self, run_id: str) -> str:
        return self._prefix + run_id

    def publish(self, event: ProgressEvent) -> None:
        self._send(event.run_id, _encode("event", event))

    def close_run(self, run_id: str) -> None:
        self._send(run_id, _encode("end"))

    def subscribe(self, run_id: str) -> RedisSubscription:
        return RedisSubscription(self._url, self.channel(run_id), self._buffer)

    def _send(self, run_id: str, message: str) -> None:
        try:
            self._client.publish(self.channel(run_id), message)
        except (RedisError, OSError) as exc:
            # The event is stored already; listeners catch up from there.
            logger.warning("could not publish progress of run %s: %s", run_id, exc)
