"""The buffer behind every live progress subscription (in-process and Redis): a bounded
queue that drops its oldest event when full — consumers catch up from the stored events by
``seq`` — iterated until the subscription is closed."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from domain.project import ProgressEvent

DEFAULT_SUBSCRIBER_BUFFER = 1000


class Closed:
    """Marks the end of a subscription in its queue."""


CLOSED = Closed()


class BufferedSubscription:
    """Async iterator over the events put into it, until ``CLOSED`` is put; subclasses fill
    it and say how they are started and closed."""

    def __init__(self, buffer: int) -> None:
        self._queue: asyncio.Queue[ProgressEvent | Closed] = asyncio.Queue(maxsize=buffer)
        self._ended = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ProgressEvent:
        if self._ended and self._queue.empty():
            raise StopAsyncIteration
        item = await self._queue.get()
        if isinstance(item, Closed):
            self._ended = True
            raise StopAsyncIteration
        return item

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._put(CLOSED)

    def _put(self, item: ProgressEvent | Closed) -> None:
        if self._queue.full():
            self._queue.get_nowait()  # drop the oldest: consumers catch up from storage
        self._queue.put_nowait(item)
