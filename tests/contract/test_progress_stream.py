"""Contract of the ``ProgressStream`` port (live fan-out): in-process and Redis pub/sub,
and of ``RunEvents``, which follows a run over either of them."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from adapters.local.progress import InProcessProgressHub
from adapters.redis.client import sync_client
from adapters.redis.progress import RedisProgressStream
from application.run_events import RunEvents
from domain.ports import LiveSubscription, ProgressStream
from domain.project import (
    EventStatus,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
    Run,
    RunStatus,
)
from tests.fakes import FakeProjectRepository
from tests.support.servers import RedisServer

TIMEOUT_SECONDS = 20

StreamFactory = Callable[[], ProgressStream]


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    async def bounded() -> None:
        await asyncio.wait_for(test(), TIMEOUT_SECONDS)

    asyncio.run(bounded())


def event(run_id: str, seq: int, percent: int | None = None) -> ProgressEvent:
    return ProgressEvent(
        run_id=run_id,
        phase=Phase.STRUCTURING,
        status=EventStatus.PROGRESS,
        percent=seq if percent is None else percent,
        message=f"step {seq}",
        ts=datetime(2025, 1, 1, tzinfo=UTC),
        seq=seq,
    )


@pytest.fixture(params=["in-process", "redis"])
def streams(request: pytest.FixtureRequest) -> Iterator[StreamFactory]:
    """Makes streams that share one fan-out (like API instances and workers do)."""
    if request.param == "in-process":
        hub = InProcessProgressHub()
        yield lambda: hub
        return
    url = request.getfixturevalue("redis_url")
    prefix = request.getfixturevalue("redis_prefix")
    clients = []

    def make() -> ProgressStream:
        client = sync_client(url, socket_timeout=5)
        clients.append(client)
        return RedisProgressStream(url, client, key_prefix=prefix)

    yield make
    for client in clients:
        client.close()


async def subscribed(stream: ProgressStream, run_id: str) -> LiveSubscription:
    subscription = stream.subscribe(run_id)
    await subscription.started()
    return subscription


async def collect(subscription: LiveSubscription) -> list[int]:
    return [e.seq async for e in subscription]


def test_every_subscriber_gets_its_runs_events_from_any_publisher(
    streams: StreamFactory,
) -> None:
    async def scenario() -> None:
        api_one, api_two, worker = streams(), streams(), streams()
        first = await subscribed(api_one, "r1")
        second = await subscribed(api_two, "r1")
        other = await subscribed(api_two, "r2")
        worker.publish(event("r1", 1))
        worker.publish(event("r2", 99))
        worker.publish(event("r1", 2))
        worker.close_run("r1")
        worker.close_run("r2")
        assert await collect(first) == [1, 2]
        assert await collect(second) == [1, 2]
        assert await collect(other) == [99]

    run(scenario)


def test_events_keep_every_field(streams: StreamFactory) -> None:
    async def scenario() -> None:
        stream = streams()
        subscription = await subscribed(stream, "r1")
        sent = event("r1", 7, percent=42)
        stream.publish(sent)
        assert await anext(subscription) == sent
        subscription.close()

    run(scenario)


def test_events_before_subscribing_are_not_delivered(streams: StreamFactory) -> None:
    async def scenario() -> None:
        stream = streams()
        stream.publish(event("r1", 1))
        subscription = await subscribed(stream, "r1")
        stream.publish(event("r1", 2))
        stream.close_run("r1")
        assert await collect(subscription) == [2]

    run(scenario)


def test_events_published_from_a_worker_thread_arrive(streams: StreamFactory) -> None:
    async def scenario() -> None:
        stream = streams()
        subscription = await subscribed(stream, "r1")

        def worker() -> None:
            for seq in (1, 2, 3):
                stream.publish(event("r1", seq))
            stream.close_run("r1")

        thread = threading.Thread(target=worker)
        thread.start()
        received = await collect(subscription)
        thread.join()
        assert received == [1, 2, 3]

    run(scenario)


def test_a_closed_subscription_ends(streams: StreamFactory) -> None:
    async def scenario() -> None:
        stream = streams()
        subscription = await subscribed(stream, "r1")
        subscription.close()
        stream.publish(event("r1", 1))
        assert await collect(subscription) == []

    run(scenario)


# --- RunEvents: stored first, then live, nothing lost ---------------------------------------


def running_run(repository: FakeProjectRepository, run_id: str = "r1") -> Run:
    when = datetime(2025, 1, 1, tzinfo=UTC)
    repository.add_project(Project("p1", "P", "u1", ProjectStatus.GENERATING, when, when))
    run_ = Run(
        id=run_id,
        project_id="p1",
        status=RunStatus.RUNNING,
        created=datetime(2025, 1, 1, tzinfo=UTC),
    )
    repository.add_run(run_)
    return run_


def store_and_publish(repository: FakeProjectRepository, stream: ProgressStream, n: int) -> None:
    stored = repository.append_event(event("r1", 0, percent=n))
    stream.publish(stored)


def finish(repository: FakeProjectRepository, run_: Run) -> None:
    repository.update_run(attrs.evolve(run_, status=RunStatus.SUCCEEDED))


def test_run_events_replays_stored_events_then_follows_live_ones(
    streams: StreamFactory,
) -> None:
    async def scenario() -> None:
        repository = FakeProjectRepository()
        run_ = running_run(repository)
        worker = streams()
        events = RunEvents(repository=repository, stream=streams(), poll_seconds=5)
        for n in (1, 2):
            store_and_publish(repository, worker, n)
        seen: list[int] = []

        async def follow() -> None:
            async for e in events.follow(run_, after=0):
                seen.append(e.seq)

        follower = asyncio.create_task(follow())
        while len(seen) < 2:
            await asyncio.sleep(0.01)
        for n in (3, 4):
            store_and_publish(repository, worker, n)
        finish(repository, run_)
        worker.close_run("r1")
        await follower
        assert seen == [1, 2, 3, 4]

    run(scenario)


def test_run_events_catches_up_what_the_live_stream_lost(streams: StreamFactory) -> None:
    async def scenario() -> None:
        repository = FakeProjectRepository()
        run_ = running_run(repository)
        worker = streams()
        events = RunEvents(repository=repository, stream=streams(), poll_seconds=0.2)
        seen: list[int] = []

        async def follow() -> None:
            async for e in events.follow(run_, after=1):
                seen.append(e.seq)

        repository.append_event(event("r1", 0))  # seq 1: skipped by after=1
        follower = asyncio.create_task(follow())
        await asyncio.sleep(0.1)
        repository.append_event(event("r1", 0))  # seq 2: stored, never published
        store_and_publish(repository, worker, 3)  # seq 3 live: a gap before it
        await asyncio.sleep(0.1)
        repository.append_event(event("r1", 0))  # seq 4: stored, never published
        finish(repository, run_)  # and no end message either: the poll notices
        await follower
        assert seen == [2, 3, 4]

    run(scenario)


def test_run_events_of_a_finished_run_end_after_the_stored_ones(
    streams: StreamFactory,
) -> None:
    async def scenario() -> None:
        repository = FakeProjectRepository()
        run_ = running_run(repository)
        for _ in range(3):
            repository.append_event(event("r1", 0))
        finish(repository, run_)
        events = RunEvents(repository=repository, stream=streams(), poll_seconds=5)
        assert [e.seq async for e in events.follow(run_, after=1)] == [2, 3]
        assert (await events.current(run_)).status is RunStatus.SUCCEEDED

    run(scenario)


# --- Redis restarts ---------------------------------------------------------------------------


def test_a_redis_subscription_survives_a_restart_of_redis(private_redis: RedisServer) -> None:
    async def scenario() -> None:
        with sync_client(private_redis.url, socket_timeout=5) as client:
            stream = RedisProgressStream(private_redis.url, client, key_prefix="t:")
            subscription = await subscribed(stream, "r1")
            stream.publish(event("r1", 1))
            assert (await anext(subscription)).seq == 1
            await asyncio.to_thread(private_redis.restart)
            # Published until the subscription is back; the client reconnects by itself.
            deadline = asyncio.get_running_loop().time() + 10
            received = None
            while received is None and asyncio.get_running_loop().time() < deadline:
                await asyncio.to_thread(stream.publish, event("r1", 2))
                try:
                    received = await asyncio.wait_for(anext(subscription), 0.3)
                except TimeoutError:
                    continue
            assert received is not None and received.seq == 2
            assert subscription.reconnects >= 1  # type: ignore[attr-defined]
            subscription.close()

    run(scenario)
