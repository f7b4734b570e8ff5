"""An in-process job queue on asyncio: the local stand-in for SAQ with the same semantics.

Jobs live in memory only; a job still queued when the process stops is lost.
"""

from __future__ import annotations

import asyncio
import logging

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
        self._pending: set[str] = set()  # queued or running
        self._running: set[str] = set()
        self._cancelled: set[str] = set()
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
        """Stop the workers; a running job is interrupted at its next ``await``."""
        self._stopped = True
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
        return True

    def is_cancelled(self, job_id: str) -> bool:
        return job_id in self._cancelled

    async def join(self) -> None:
        """Wait until every job enqueued so far has been handled or dropped (once started)."""
        await self._queue.join()

    async def _work(self, handler: JobHandler) -> None:
        while True:
            job = await self._queue.get()
            try:
                if job.id in self._cancelled:
                    logger.info("dropping cancelled job %s", job.id)
                    continue
                self._running.add(job.id)
                try:
                    await handler(job)
                except Exception:
                    # One failing job must not take the worker down with it.
                    if job.id in self._cancelled:
                        # Stopping by raising is how a handler honours a cancellation.
                        logger.info("job %s (%s) stopped after cancellation", job.id, job.kind)
                    else:
                        logger.exception("job %s (%s) failed", job.id, job.kind)
            finally:
                self._finish(job.id)
                self._queue.task_done()

    def _finish(self, job_id: str) -> None:
        self._running.discard(job_id)
        self._pending.discard(job_id)
        self._cancelled.discard(job_id)

    @property
    def running(self) -> frozenset[str]:
        """Ids of the jobs being handled right now."""
        return frozenset(self._running)
