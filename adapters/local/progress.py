"""In-process fan-out of progress events to the clients watching a run (e.g. websockets).

Delivery is best effort: a subscriber that falls too far behind loses its oldest events and
can catch up from the repository's stored events (by ``seq``).
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict

from adapters.event_buffer import (
    CLOSED,
    DEFAULT_SUBSCRIBER_BUFFER,
    BufferedSubscription,
    Closed,
)
from domain.project import ProgressEvent


class ProgressSubscription(BufferedSubscription):
    """Async iterator over one run's events, from the moment it was created until closed."""

    def __init__(self, hub: InProcessProgressHub, run_id: str, buffer: int) -> None:
        super().__init__(buffer)
        self.run_id = run_id
        self._hub = hub
        self._loop = asyncio.get_running_loop()

    async def started(self) -> None:
        """Subscribed from creation on: nothing to wait for."""

    def close(self) -> None:
        """Stop receiving; events already buffered are still returned, then iteration ends."""
        self._hub._unsubscribe(self)
        self._deliver(CLOSED)

    def _deliver(self, item: ProgressEvent | Closed) -> None:
        # publish() may be called from a worker thread (blocking skills run in threads), and
        # asyncio queues are not thread-safe: hop onto the subscriber's loop when needed.
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is self._loop:
            self._put(item)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._put, item)


class InProcessProgressHub:
    """``ProgressSink`` that hands every published event to the subscribers of its run."""

    def __init__(self, *, subscriber_buffer: int = DEFAULT_SUBSCRIBER_BUFFER) -> None:
        if subscriber_buffer < 1:
            raise ValueError("subscriber_buffer must be at least 1")
        self._buffer = subscriber_buffer
        self._lock = threading.Lock()
        self._subscribers: defaultdict[str, set[ProgressSubscription]] = defaultdict(set)

    def publish(self, event: ProgressEvent) -> None:
        with self._lock:
            targets = list(self._subscribers.get(event.run_id, ()))
        for subscription in targets:
            subscription._deliver(event)

    def subscribe(self, run_id: str) -> ProgressSubscription:
        """Start receiving ``run_id``'s events now; call from inside the event loop."""
        subscription = ProgressSubscription(self, run_id, self._buffer)
        with self._lock:
            self._subscribers[run_id].add(subscription)
        return subscription

    def close_run(self, run_id: str) -> None:
        """End every subscription of a run (its last event has been published)."""
        with self._lock:
            targets = list(self._subscribers.pop(run_id, ()))
        for subscription in targets:
            subscription._deliver(CLOSED)

    def subscriber_count(self, run_id: str) -> int:
        with self._lock:
            return len(self._subscribers.get(run_id, ()))

    def _unsubscribe(self, subscription: ProgressSubscription) -> None:
        with self._lock:
            subscribers = self._subscribers.get(subscription.run_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[subscription.run_id]
