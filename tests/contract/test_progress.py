"""Progress sinks: the in-process fan-out hub and the recording fake."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.local.progress import InProcessProgressHub, ProgressSubscription
from domain.ports import ProgressSink
from domain.project import EventStatus, Phase, ProgressEvent
from tests.fakes import RecordingProgressSink

TIMEOUT_SECONDS = 5


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    async def bounded() -> None:
        await asyncio.wait_for(test(), TIMEOUT_SECONDS)

    asyncio.run(bounded())


def event(run_id: str, percent: int) -> ProgressEvent:
    return ProgressEvent(
        run_id=run_id,
        phase=Phase.STRUCTURING,
        status=EventStatus.PROGRESS,
        percent=percent,
        message=f"{percent}%",
        ts=datetime(2025, 1, 1, tzinfo=UTC),
    )


async def collect(subscription: ProgressSubscription) -> list[int]:
    return [e.percent async for e in subscription]


def test_both_sinks_accept_events() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub()
        sinks: list[ProgressSink] = [hub, RecordingProgressSink()]
        for sink in sinks:
            sink.publish(event("r1", 10))

    run(scenario)


def test_the_recording_sink_keeps_events_in_order() -> None:
    sink = RecordingProgressSink()
    for percent in (10, 20):
        sink.publish(event("r1", percent))
    sink.publish(event("r2", 5))
    assert [e.percent for e in sink.events] == [10, 20, 5]
    assert [e.percent for e in sink.for_run("r1")] == [10, 20]
    assert sink.phases() == [Phase.STRUCTURING] * 3


def test_every_subscriber_of_a_run_gets_its_events_only() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub()
        first, second, other = hub.subscribe("r1"), hub.subscribe("r1"), hub.subscribe("r2")
        hub.publish(event("r1", 10))
        hub.publish(event("r2", 99))
        hub.publish(event("r1", 20))
        hub.close_run("r1")
        hub.close_run("r2")
        assert await collect(first) == [10, 20]
        assert await collect(second) == [10, 20]
        assert await collect(other) == [99]
        assert hub.subscriber_count("r1") == 0

    run(scenario)


def test_events_before_subscribing_are_not_replayed() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub()
        hub.publish(event("r1", 10))
        subscription = hub.subscribe("r1")
        hub.publish(event("r1", 20))
        hub.close_run("r1")
        assert await collect(subscription) == [20]

    run(scenario)


def test_a_waiting_subscriber_wakes_up_on_publish() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub()
        subscription = hub.subscribe("r1")
        reader = asyncio.create_task(collect(subscription))
        await asyncio.sleep(0)
        hub.publish(event("r1", 30))
        hub.close_run("r1")
        assert await reader == [30]

    run(scenario)


def test_closing_a_subscription_unsubscribes_it() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub()
        async with hub.subscribe("r1") as subscription:
            hub.publish(event("r1", 10))
            assert (await anext(subscription)).percent == 10
        assert hub.subscriber_count("r1") == 0
        hub.publish(event("r1", 20))  # nobody listening: dropped, no error
        assert await collect(subscription) == []

    run(scenario)


def test_events_published_from_another_thread_arrive() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub()
        subscription = hub.subscribe("r1")

        def worker() -> None:
            for percent in (1, 2, 3):
                hub.publish(event("r1", percent))
            hub.close_run("r1")

        thread = threading.Thread(target=worker)
        thread.start()
        received = await collect(subscription)
        thread.join()
        assert received == [1, 2, 3]

    run(scenario)


def test_a_slow_subscriber_loses_the_oldest_events() -> None:
    async def scenario() -> None:
        hub = InProcessProgressHub(subscriber_buffer=3)
        subscription = hub.subscribe("r1")
        for percent in range(1, 6):
            hub.publish(event("r1", percent))
        subscription.close()
        assert await collect(subscription) == [4, 5]

    run(scenario)


def test_the_buffer_must_hold_something() -> None:
    with pytest.raises(ValueError):
        InProcessProgressHub(subscriber_buffer=0)
