"""An in-process job queue on asyncio: the local stand-in for SAQ with the same semantics.

Jobs live in memory only; a job still queued when the process stops is lost (the start-up
recovery in ``application.recovery`` finds its run again).
"""

from __future__ import annotations

import asyncio
import logging

from domain.errors import RunDeferred
from domain.ports import Job, JobHandler

logger = logging.getLogger(__name__)

DEFAULT_WORKERS = 1


class InProcessJobQueue:
    """``JobQueue`` served by ``workers`` asyncio tasks in the current event loop."""

    def __init__(self, *, workers: int = DEFAULT_WORKERS) -> None:
        if workers < 1:
            raise ValueError("the job queue needs at least one worker (setting: workers)")
        self._worker_count = workers
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: set[str] = set()  # queued, deferred or running
        self._running: set[str] = set()
        self._cancelled: set[str] = set()
        self._deferred: dict[str, asyncio.TimerHandle] = {}
        self._interrupted: set[str] = set()  # running when the queue stopped
        self._stopped = False

    async def start(self, handler: JobHandler) -> None:
        if self._tasks:
            raise RuntimeError("the job queue is already started")
        if self._stopped:
            raise RuntimeError("a stopped job queue cannot be started again")
        self._tasks = [
            asyncio.create_task(self._work(handler), name=f"job-worker-{n}")
            for n in range(self._worker_count)
        ]

    async def stop(self) -> None:
        """Stop the workers; a running job is interrupted at its next ``await`` (and sees
        itself cancelled at its next safe point, so a job in a thread stops there too)."""
        self._stopped = True
        self._interrupted |= self._running
        for timer in self._deferred.values():
            timer.cancel()
        self._deferred.clear()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def enqueue(self, job: Job) -> str:
        if self._stopped:
            raise RuntimeError("the job queue is stopped")
        # At-least-once, not at-least-twice: a job already waiting or running is not added again.
        if job.id not in self._pending:
            self._pending.add(job.id)
            self._queue.put_nowait(job)
        return job.id

    async def cancel(self, job_id: str) -> bool:
        """Drop a queued job or ask a running one to stop; False when it is not pending."""
        if job_id not in self._pending:
            return False
        self._cancelled.add(job_id)
        timer = self._deferred.pop(job_id, None)
        if timer is not None:  # a deferred job is dropped at once
            timer.cancel()
            self._finish(job_id)
            self._queue.task_done()
        return True

    def is_cancelled(self, job_id: str) -> bool:
        # Once stopped, every job still running is asked to stop at its next safe point.
        return job_id in self._cancelled or job_id in self._interrupted

    async def is_pending(self, job_id: str) -> bool:
        return job_id in self._pending

    async def join(self) -> None:
        """Wait until every job enqueued so far has been handled or dropped (once started)."""
        await self._queue.join()

    async def _work(self, handler: JobHandler) -> None:
        while True:
            job = await self._queue.get()
            deferred = False
            try:
                if job.id in self._cancelled:
                    logger.info("dropping cancelled job %s", job.id)
                    continue
                self._running.add(job.id)
                try:
                    await handler(job)
                except RunDeferred as exc:
                    deferred = not self._stopped and job.id not in self._cancelled
                    if deferred:
                        self._defer(job, exc.delay_seconds)
                        logger.info("job %s deferred for %.0f s", job.id, exc.delay_seconds)
                except Exception:
                    # One failing job must not take the worker down with it.
                    if job.id in self._cancelled:
                        # Stopping by raising is how a handler honours a cancellation.
                        logger.info("job %s (%s) stopped after cancellation", job.id, job.kind)
                    else:
                        logger.exception("job %s (%s) failed", job.id, job.kind)
            finally:
                self._running.discard(job.id)
                if not deferred:
                    self._finish(job.id)
                    self._queue.task_done()

    def _defer(self, job: Job, delay: float) -> None:
        # The job keeps its place in ``join()``'s count until it has run again.
        def again() -> None:
            self._deferred.pop(job.id, None)
            self._queue.put_nowait(job)
            self._queue.task_done()  # the put above counted it a second time

        self._deferred[job.id] = asyncio.get_running_loop().call_later(delay, again)

    def _finish(self, job_id: str) -> None:
        self._running.discard(job_id)
        self._pending.discard(job_id)
        self._cancelled.discard(job_id)

    @property
    def serving(self) -> bool:
        """True while the workers run (started, not stopped, none crashed)."""
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    @property
    def running(self) -> frozenset[str]:
        """Ids of the jobs being handled right now."""
        return frozenset(self._running)
