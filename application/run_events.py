"""Following a run's progress: its stored events first, then the live ones, until it ends.

The live stream is best effort (a slow listener or a broker restart can lose events), so
every gap in ``seq``, every end of the live stream and every quiet ``poll_seconds`` is
followed by a catch-up from the stored events, which are the record. Each event is yielded
once, in ``seq`` order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from domain.ports import LiveSubscription, ProgressStream, ProjectRepository
from domain.project import ACTIVE_RUN_STATUSES, ProgressEvent, Run

DEFAULT_POLL_SECONDS = 2.0


class RunEvents:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        stream: ProgressStream,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        self._repository = repository
        self._stream = stream
        self._poll = poll_seconds

    async def current(self, run: Run) -> Run:
        """The run as stored now (``run`` itself if it has been deleted meanwhile)."""
        stored = await asyncio.to_thread(self._repository.get_run, run.id)
        return stored or run

    async def follow(self, run: Run, *, after: int = 0) -> AsyncIterator[ProgressEvent]:
        """Every event of ``run`` with ``seq > after``; ends once the run has finished."""
        subscription = await self._subscribe(run.id)
        last = after
        catch_up = True
        try:
            while True:
                if catch_up:
                    for event in await self._stored(run.id, last):
                        yield event
                        last = event.seq
                    if not await self._active(run.id):
                        for event in await self._stored(run.id, last):
                            yield event
                            last = event.seq
                        return
                catch_up = False
                try:
                    event = await asyncio.wait_for(anext(subscription), self._poll)
                except TimeoutError:
                    catch_up = True  # quiet: catch up from storage, look at the run again
                    continue
                except StopAsyncIteration:
                    # The live stream ended (the run finished, or a worker let go of it and
                    # another will resume it): listen again, then catch up.
                    subscription.close()
                    subscription = await self._subscribe(run.id)
                    catch_up = True
                    continue
                if event.seq > last + 1:
                    catch_up = True  # missed some: the stored events fill the gap, in order
                elif event.seq == last + 1:
                    yield event
                    last = event.seq
        finally:
            subscription.close()

    async def _subscribe(self, run_id: str) -> LiveSubscription:
        # Subscribed before reading storage, so nothing falls between the two.
        subscription = self._stream.subscribe(run_id)
        await subscription.started()
        return subscription

    async def _stored(self, run_id: str, after: int) -> list[ProgressEvent]:
        return await asyncio.to_thread(self._repository.list_events, run_id, after_seq=after)

    async def _active(self, run_id: str) -> bool:
        run = await asyncio.to_thread(self._repository.get_run, run_id)
        return run is not None and run.status in ACTIVE_RUN_STATUSES
