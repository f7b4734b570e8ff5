"""``JobQueue`` on SAQ: API processes enqueue and cancel, `kirbygen worker` processes run jobs.

SAQ's defaults do not fit generation runs (a 10 s timeout, one attempt, no heartbeat), so
every job carries the policy below. A worker that dies stops sending its job's heartbeat;
SAQ's sweep then puts the job back in the queue and another worker resumes the run from
its last finished phase. SAQ cancels a job's asyncio task to abort it, but a run's
pipeline works in a thread that cannot be cancelled: the task is kept alive until the
handler has stopped at its next safe point (``is_cancelled`` turns true at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from saq import Job as SaqJob
from saq import Queue as SaqQueue
from saq import Worker
from saq.job import Status
from saq.types import Context, PartialTimersDict

from domain.errors import RunDeferred
from domain.ports import Job, JobHandler

logger = logging.getLogger(__name__)

FUNCTION = "kirbygen.job"
PENDING = frozenset({Status.NEW, Status.QUEUED, Status.ACTIVE})
JOIN_POLL_SECONDS = 0.05


class _QuietDeferrals(logging.Filter):
    """SAQ logs every exception of a job with its traceback; a deferral is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, RunDeferred)


_SAQ_LOGGER = logging.getLogger("saq")
if not any(isinstance(f, _QuietDeferrals) for f in _SAQ_LOGGER.filters):
    _SAQ_LOGGER.addFilter(_QuietDeferrals())


class _Worker(Worker[Context]):
    # The process that embeds the worker owns its signals (see entrypoints/worker.py).
    SIGNALS = []

    async def upkeep(self) -> list[asyncio.Task[None]]:
        """SAQ's upkeep, with the first sweep one period after start-up: a sweep at the very
        moment a worker takes its first job sees it active but not yet marked so, and puts
        it back (a duplicate delivery for nothing)."""
        sweep = self.queue.sweep
        period = self.timers["sweep"]

        async def later(lock: int = period, abort: float = 5.0) -> list[str]:
            setattr(self.queue, "sweep", sweep)  # noqa: B010 - once: later sweeps are SAQ's
            await asyncio.sleep(period)
            result: list[str] = await sweep(lock, abort)
            return result

        setattr(self.queue, "sweep", later)  # noqa: B010
        tasks: list[asyncio.Task[None]] = await super().upkeep()
        return tasks


@attrs.frozen
class SaqPolicy:
    """What every job is enqueued with."""

    timeout_seconds: int = 4800
    heartbeat_seconds: int = 30
    attempts: int = 5
    retry_delay_seconds: float = 5.0
    retry_max_delay_seconds: float = 300.0
    concurrency: int = 2
    sweep_seconds: int = 30
    ttl_seconds: int = 24 * 3600
    # How long `stop` waits for running jobs to reach a safe point before leaving them.
    stop_grace_seconds: float = 20.0


class SaqJobQueue:
    """``JobQueue`` backed by SAQ on the queue named ``name`` at ``url``."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        policy: SaqPolicy = SaqPolicy(),
        queue_factory: Callable[[], SaqQueue] | None = None,
    ) -> None:
        self._url = url
        self._name = name
        self._policy = policy
        self._factory = queue_factory or self._from_url
        self._queue: SaqQueue | None = None
        self._connect_lock: asyncio.Lock | None = None
        self._worker: _Worker | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self._handler: JobHandler | None = None
        self._active: dict[str, asyncio.Future[None]] = {}
        self._cancelled: set[str] = set()
        self._stopped = False

    def _from_url(self) -> SaqQueue:
        if self._url.startswith("postgresql://"):
            # A small pool: the API only enqueues; a worker needs a few connections more.
            size = self._policy.concurrency + 4
            return SaqQueue.from_url(self._url, name=self._name, min_size=1, max_size=size)
        return SaqQueue.from_url(self._url, name=self._name)

    @property
    def name(self) -> str:
        return self._name

    async def saq_queue(self) -> SaqQueue:
        """The connected SAQ queue (connecting on first use, inside the running loop)."""
        if self._queue is not None:
            return self._queue
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if self._queue is None:
                queue = self._factory()
                await queue.connect()
                self._queue = queue
        return self._queue

    # --- JobQueue -------------------------------------------------------------------------

    async def start(self, handler: JobHandler) -> None:
        """Run jobs in this process until ``stop`` (what `kirbygen worker` does)."""
        if self._worker_task is not None:
            raise RuntimeError("the job queue is already started")
        if self._stopped:
            raise RuntimeError("a stopped job queue cannot be started again")
        self._handler = handler
        queue = await self.saq_queue()
        self._worker = _Worker(
            queue,
            functions=[(FUNCTION, self._perform)],
            concurrency=self._policy.concurrency,
            timers=PartialTimersDict(  # SAQ's defaults, but for the sweep
                schedule=1, worker_info=10, abort=1, sweep=self._policy.sweep_seconds
            ),
            # On shutdown a job's task is cancelled at once; _perform then waits for the
            # handler's safe point and SAQ puts the job back for another worker.
            shutdown_grace_period_s=0,
        )
        self._worker_task = asyncio.create_task(self._worker.start(), name="saq-worker")

    async def stop(self) -> None:
        """Stop working (running jobs stop at their next safe point) and disconnect."""
        self._stopped = True
        worker, task = self._worker, self._worker_task
        self._worker, self._worker_task = None, None
        if worker is not None:
            await worker.stop()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._active:
            works = list(self._active.values())
            _, late = await asyncio.wait(works, timeout=self._policy.stop_grace_seconds)
            for work in late:  # their jobs are back in the queue for another worker
                work.cancel()
        if self._queue is not None:
            queue, self._queue = self._queue, None
            await queue.disconnect()

    async def enqueue(self, job: Job) -> str:
        if self._stopped:
            raise RuntimeError("the job queue is stopped")
        queue = await self.saq_queue()
        policy = self._policy
        # The job's key is our job id: SAQ keeps one job per key, so enqueuing a job that
        # is already waiting or running does nothing.
        await queue.enqueue(
            SaqJob(
                function=FUNCTION,
                key=job.id,
                kwargs={
                    "job_id": job.id,
                    "run_id": job.run_id,
                    "project_id": job.project_id,
                    "kind": job.kind,
                },
                timeout=policy.timeout_seconds,
                heartbeat=policy.heartbeat_seconds,
                retries=policy.attempts,
                retry_delay=policy.retry_delay_seconds,
                retry_backoff=policy.retry_max_delay_seconds,
                ttl=policy.ttl_seconds,
            )
        )
        return job.id

    async def cancel(self, job_id: str) -> bool:
        """Drop a waiting job; ask a running one (in any worker) to stop at its next safe
        point. False when the job is unknown or finished."""
        queue = await self.saq_queue()
        saq_job = await queue.job(job_id)
        if saq_job is None or saq_job.status not in PENDING:
            return False
        if job_id in self._active:
            self._cancelled.add(job_id)
        waiting = saq_job.status is not Status.ACTIVE
        await queue.abort(saq_job, "cancelled")
        if waiting:
            # A job scheduled for later is in no list SAQ's abort looks at: end it here.
            await queue.finish(saq_job, Status.ABORTED, error="cancelled")
        return True

    def is_cancelled(self, job_id: str) -> bool:
        return job_id in self._cancelled

    async def is_pending(self, job_id: str) -> bool:
        if job_id in self._active:
            return True
        queue = await self.saq_queue()
        saq_job = await queue.job(job_id)
        return saq_job is not None and saq_job.status in PENDING

    async def join(self) -> None:
        """Wait until no job of this queue is waiting or running (for tests and benchmarks)."""
        queue = await self.saq_queue()
        while self._active or await queue.count("incomplete"):
            await asyncio.sleep(JOIN_POLL_SECONDS)

    # --- the worker side ------------------------------------------------------------------

    async def _perform(self, ctx: Context, **kwargs: Any) -> None:
        saq_job = ctx["job"]
        job = Job(
            id=kwargs["job_id"],
            run_id=kwargs["run_id"],
            project_id=kwargs["project_id"],
            kind=kwargs.get("kind", "generate"),
        )
        assert self._handler is not None
        if saq_job.retry_delay != self._policy.retry_delay_seconds:
            # A deferral changed the delay of the attempt it scheduled; failures back off again.
            saq_job.retry_delay = self._policy.retry_delay_seconds
            saq_job.retry_backoff = self._policy.retry_max_delay_seconds
            await saq_job.update()
        work = asyncio.ensure_future(self._handler(job))
        self._active[job.id] = work
        beat = asyncio.create_task(self._heartbeat(saq_job, job.id, work))
        try:
            await self._await_safely(work, job.id)
        except RunDeferred as deferral:
            # SAQ's retry with this delay (and no backoff) puts the job back for later;
            # a deferral is not a failed attempt, so it does not use one up.
            saq_job.retry_delay = deferral.delay_seconds
            saq_job.retry_backoff = False
            saq_job.retries += 1
            logger.info(
                "job %s deferred for %.0f s: %s", job.id, deferral.delay_seconds, deferral.message
            )
            raise
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            self._active.pop(job.id, None)
            self._cancelled.discard(job.id)

    async def _await_safely(self, work: asyncio.Future[None], job_id: str) -> None:
        """Await the handler; when SAQ cancels this task (abort, timeout, shutdown, sweep),
        ask the handler to stop and wait until it has, then let the cancellation through."""
        cancelled = False
        while True:
            try:
                await asyncio.shield(work)
                break
            except asyncio.CancelledError:
                if work.done():
                    raise
                cancelled = True
                self._cancelled.add(job_id)
                logger.info("job %s interrupted; waiting for its next safe point", job_id)
        if cancelled:
            raise asyncio.CancelledError

    async def _heartbeat(self, saq_job: SaqJob, job_id: str, work: Awaitable[None]) -> None:
        """Touch the job while the handler works (SAQ's sweep takes a job whose heartbeat is
        late for a dead worker's) and notice an abort asked for by another process."""
        interval = max(1.0, self._policy.heartbeat_seconds / 3)
        queue = saq_job.get_queue()
        while True:
            await asyncio.sleep(interval)
            try:
                stored = await queue.job(saq_job.key)
                if stored is not None and stored.status is Status.ABORTING:
                    self._cancelled.add(job_id)
                await saq_job.update()
            except Exception:  # a missed beat is retried at the next one
                logger.warning("heartbeat of job %s failed", job_id, exc_info=True)
