"""Contract of the ``JobQueue`` port: the fake and the in-process asyncio queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

import pytest

from adapters.local.job_queue import InProcessJobQueue
from domain.ports import Job, JobQueue
from tests.fakes import FakeJobQueue

TIMEOUT_SECONDS = 5


class DrainableQueue(JobQueue, Protocol):
    async def join(self) -> None:
        """Return once every job enqueued so far has run or been dropped."""
        ...


QueueFactory = Callable[[], DrainableQueue]


@pytest.fixture(params=["fake", "in-process"])
def make_queue(request: pytest.FixtureRequest) -> QueueFactory:
    # A factory: asyncio objects are created inside the test's event loop.
    if request.param == "fake":
        return FakeJobQueue
    return InProcessJobQueue


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    async def bounded() -> None:
        await asyncio.wait_for(test(), TIMEOUT_SECONDS)

    asyncio.run(bounded())


def job(job_id: str) -> Job:
    return Job(id=job_id, run_id=f"run-{job_id}", project_id="p1")


async def started(
    queue: DrainableQueue, handler: Callable[[Job], Awaitable[None]]
) -> DrainableQueue:
    await queue.start(handler)
    return queue


def test_enqueued_jobs_run_in_order(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        handled: list[str] = []

        async def handler(j: Job) -> None:
            handled.append(j.id)

        queue = await started(make_queue(), handler)
        try:
            assert await queue.enqueue(job("a")) == "a"
            assert await queue.enqueue(job("b")) == "b"
            await queue.join()
            assert handled == ["a", "b"]
        finally:
            await queue.stop()

    run(scenario)


def test_a_job_enqueued_before_start_runs_after_start(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        handled: list[str] = []

        async def handler(j: Job) -> None:
            handled.append(j.id)

        queue = make_queue()
        await queue.enqueue(job("early"))
        await queue.start(handler)
        try:
            await queue.join()
            assert handled == ["early"]
        finally:
            await queue.stop()

    run(scenario)


def test_cancelling_a_queued_job_drops_it(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        handled: list[str] = []
        release = asyncio.Event()

        async def handler(j: Job) -> None:
            await release.wait()
            handled.append(j.id)

        queue = await started(make_queue(), handler)
        try:
            await queue.enqueue(job("first"))
            await queue.enqueue(job("second"))
            assert await queue.cancel("second")
            assert queue.is_cancelled("second")
            drain = asyncio.create_task(queue.join())
            release.set()
            await drain
            assert handled == ["first"]
            assert not queue.is_cancelled("second")  # the flag lives until the job is gone
        finally:
            await queue.stop()

    run(scenario)


def test_a_running_job_sees_its_cancellation(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        running = asyncio.Event()
        release = asyncio.Event()
        observed: list[tuple[bool, bool]] = []

        async def handler(j: Job) -> None:
            before = queue.is_cancelled(j.id)
            running.set()
            await release.wait()  # a safe point further on
            observed.append((before, queue.is_cancelled(j.id)))

        queue = await started(make_queue(), handler)
        try:
            await queue.enqueue(job("long"))
            drain = asyncio.create_task(queue.join())
            await running.wait()
            assert await queue.cancel("long")
            release.set()
            await drain
            assert observed == [(False, True)]
            assert not queue.is_cancelled("long")
        finally:
            await queue.stop()

    run(scenario)


def test_cancelling_an_unknown_or_finished_job_returns_false(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        async def handler(j: Job) -> None:
            return None

        queue = await started(make_queue(), handler)
        try:
            assert not await queue.cancel("never-enqueued")
            await queue.enqueue(job("done"))
            await queue.join()
            assert not await queue.cancel("done")
            assert not queue.is_cancelled("done")
        finally:
            await queue.stop()

    run(scenario)


def test_a_failing_job_does_not_stop_the_queue(
    make_queue: QueueFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        handled: list[str] = []

        async def handler(j: Job) -> None:
            if j.id == "bad":
                raise RuntimeError("skill exploded")
            handled.append(j.id)

        queue = await started(make_queue(), handler)
        try:
            await queue.enqueue(job("bad"))
            await queue.enqueue(job("good"))
            await queue.join()
            await queue.enqueue(job("later"))
            await queue.join()
            assert handled == ["good", "later"]
        finally:
            await queue.stop()

    with caplog.at_level(logging.ERROR):
        run(scenario)


def test_a_job_already_waiting_is_not_queued_twice(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        handled: list[str] = []
        release = asyncio.Event()

        async def handler(j: Job) -> None:
            await release.wait()
            handled.append(j.id)

        queue = await started(make_queue(), handler)
        try:
            await queue.enqueue(job("blocker"))
            await queue.enqueue(job("x"))
            assert await queue.enqueue(job("x")) == "x"
            drain = asyncio.create_task(queue.join())
            release.set()
            await drain
            assert handled == ["blocker", "x"]
        finally:
            await queue.stop()

    run(scenario)


def test_a_stopped_queue_takes_no_more_jobs(make_queue: QueueFactory) -> None:
    async def scenario() -> None:
        async def handler(j: Job) -> None:
            return None

        queue = await started(make_queue(), handler)
        await queue.stop()
        with pytest.raises(RuntimeError):
            await queue.enqueue(job("late"))

    run(scenario)


# --- in-process queue only --------------------------------------------------------------------


def test_in_process_failures_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        async def handler(j: Job) -> None:
            raise RuntimeError("skill exploded")

        queue = InProcessJobQueue()
        await queue.start(handler)
        try:
            await queue.enqueue(job("bad"))
            await queue.join()
        finally:
            await queue.stop()

    with caplog.at_level(logging.ERROR, logger="adapters.local.job_queue"):
        run(scenario)
    assert any("bad" in record.getMessage() and record.exc_info for record in caplog.records)


def test_in_process_workers_run_jobs_concurrently() -> None:
    async def scenario() -> None:
        both_running = asyncio.Event()
        active: set[str] = set()

        async def handler(j: Job) -> None:
            active.add(j.id)
            if len(active) == 2:
                both_running.set()
            await both_running.wait()

        queue = InProcessJobQueue(workers=2)
        await queue.start(handler)
        try:
            await queue.enqueue(job("a"))
            await queue.enqueue(job("b"))
            await queue.join()
            assert active == {"a", "b"}
        finally:
            await queue.stop()

    run(scenario)


def test_stop_interrupts_a_running_job() -> None:
    async def scenario() -> None:
        running = asyncio.Event()
        interrupted: list[bool] = []

        async def handler(j: Job) -> None:
            running.set()
            try:
                await asyncio.Event().wait()  # never set
            except asyncio.CancelledError:
                interrupted.append(True)
                raise

        queue = InProcessJobQueue()
        await queue.start(handler)
        await queue.enqueue(job("forever"))
        await running.wait()
        await queue.stop()
        assert interrupted == [True]
        assert queue.running == frozenset()

    run(scenario)


def test_at_least_one_worker_is_required() -> None:
    with pytest.raises(ValueError, match="workers"):
        InProcessJobQueue(workers=0)
