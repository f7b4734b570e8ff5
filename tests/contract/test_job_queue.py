"""Contract of the ``JobQueue`` port: the fake, the in-process asyncio queue, and SAQ on
Redis and on PostgreSQL (each test on a queue of its own name, removed afterwards)."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, Protocol

import pytest

from adapters.local.job_queue import InProcessJobQueue
from adapters.saq import SaqJobQueue, SaqPolicy
from adapters.saq.probe import SaqBrokerProbe
from domain.errors import RunDeferred
from domain.ports import Job, JobQueue
from tests.conftest import delete_redis_keys
from tests.fakes import FakeJobQueue

TIMEOUT_SECONDS = 20
# Retries come quickly here; a sweep every second finds a job whose heartbeat stopped.
TEST_POLICY = SaqPolicy(
    timeout_seconds=30,
    heartbeat_seconds=5,
    attempts=2,
    retry_delay_seconds=0.1,
    retry_max_delay_seconds=0.2,
    concurrency=1,
    sweep_seconds=1,
    ttl_seconds=60,
    stop_grace_seconds=2,
)


class DrainableQueue(JobQueue, Protocol):
    async def join(self) -> None:
        """Return once every job enqueued so far has run or been dropped."""
        ...


QueueFactory = Callable[[], DrainableQueue]


def _saq_on(url: str, name: str) -> QueueFactory:
    return lambda: SaqJobQueue(url, name=name, policy=TEST_POLICY)


@pytest.fixture
def saq_redis(redis_url: str) -> Iterator[QueueFactory]:
    name = f"kirbygen-test-{uuid.uuid4().hex[:10]}"
    yield _saq_on(redis_url, name)
    delete_redis_keys(redis_url, f"saq:{name}:*")
    delete_redis_keys(redis_url, f"saq:job:{name}:*")


@pytest.fixture
def saq_postgresql(fresh_postgres_url: str) -> QueueFactory:
    # A database of its own (dropped afterwards): SAQ creates its tables in it.
    return _saq_on(fresh_postgres_url, f"kirbygen-test-{uuid.uuid4().hex[:10]}")


@pytest.fixture(params=["fake", "in-process", "saq-redis", "saq-postgresql"])
def make_queue(request: pytest.FixtureRequest) -> QueueFactory:
    return _factory(request)


@pytest.fixture(params=["in-process", "saq-redis", "saq-postgresql"])
def make_working_queue(request: pytest.FixtureRequest) -> QueueFactory:
    """The queues with workers of their own (the fake runs jobs only when told)."""
    return _factory(request)


def _factory(request: pytest.FixtureRequest) -> QueueFactory:
    # A factory: asyncio objects are created inside the test's event loop.
    if request.param == "fake":
        return FakeJobQueue
    if request.param == "in-process":
        return InProcessJobQueue
    factory: QueueFactory = request.getfixturevalue(request.param.replace("-", "_"))
    return factory


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
            # Flagged until its turn comes, or (SAQ) dropped from the queue at once.
            assert queue.is_cancelled("second") or not await queue.is_pending("second")
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


def test_a_deferred_job_runs_again_later_and_stays_pending_meanwhile(
    make_queue: QueueFactory,
) -> None:
    async def scenario() -> None:
        calls: list[str] = []

        async def handler(j: Job) -> None:
            calls.append(j.id)
            if len(calls) == 1:
                raise RunDeferred("the model asks to wait", delay_seconds=1)

        queue = await started(make_queue(), handler)
        try:
            await queue.enqueue(job("later"))
            await queue.join()
            assert calls == ["later", "later"]
            assert not await queue.is_pending("later")
        finally:
            await queue.stop()

    run(scenario)


def test_a_deferred_job_can_be_cancelled_while_it_waits(
    make_working_queue: QueueFactory,
) -> None:
    async def scenario() -> None:
        calls: list[str] = []
        deferred = asyncio.Event()

        async def handler(j: Job) -> None:
            calls.append(j.id)
            deferred.set()
            raise RunDeferred("wait", delay_seconds=2)

        queue = await started(make_working_queue(), handler)
        try:
            await queue.enqueue(job("waits"))
            await deferred.wait()
            await asyncio.sleep(0.3)  # let the queue put the job aside
            assert await queue.is_pending("waits")
            assert await queue.cancel("waits")
            await queue.join()
            assert calls == ["waits"]
            assert not await queue.is_pending("waits")
        finally:
            await queue.stop()

    run(scenario)


def test_pending_jobs_are_known_until_they_finish(make_working_queue: QueueFactory) -> None:
    async def scenario() -> None:
        running = asyncio.Event()
        release = asyncio.Event()
        seen: list[bool] = []

        async def handler(j: Job) -> None:
            running.set()
            await release.wait()

        queue = await started(make_working_queue(), handler)
        try:
            assert not await queue.is_pending("p")
            await queue.enqueue(job("p"))
            seen.append(await queue.is_pending("p"))
            await running.wait()
            seen.append(await queue.is_pending("p"))
            release.set()
            await queue.join()
            assert all(seen)
            assert not await queue.is_pending("p")
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


# --- the SAQ broker's readiness probe ---------------------------------------------------------


def test_the_broker_probe_answers_for_redis_and_postgresql(
    redis_url: str, postgres_url: str
) -> None:
    SaqBrokerProbe(redis_url).check()
    SaqBrokerProbe(postgres_url).check()


@pytest.mark.parametrize("scheme", ["redis", "postgresql"])
def test_the_broker_probe_fails_when_nothing_answers(scheme: str) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(Exception):  # noqa: B017 - each client raises its own kind
        SaqBrokerProbe(f"{scheme}://127.0.0.1:{port}/0").check()
