"""A job queue that runs jobs when the test says so (or at once), recording what happened."""

from __future__ import annotations

from domain.errors import RunDeferred
from domain.ports import Job, JobHandler


class FakeJobQueue:
    """``JobQueue`` without workers.

    With ``run_inline=True`` a job runs inside ``enqueue`` (once started); otherwise it waits
    in ``queued`` until ``run_pending()`` (alias ``join()``). A failing handler is recorded in
    ``failures`` and does not stop later jobs, as with the real queue.
    """

    def __init__(self, *, run_inline: bool = False) -> None:
        self.run_inline = run_inline
        self.queued: list[Job] = []
        self.completed: list[Job] = []
        self.failures: list[tuple[Job, Exception]] = []
        self.cancelled_ids: list[str] = []  # every cancel that took effect, in order
        self.dropped: list[Job] = []  # cancelled while queued, skipped when their turn came
        self.running: dict[str, Job] = {}
        self.deferrals: list[tuple[Job, float]] = []  # (job, delay): queued again at once
        self.started = False
        self.stopped = False
        self._handler: JobHandler | None = None
        self._cancel_flags: set[str] = set()

    async def start(self, handler: JobHandler) -> None:
        if self.started:
            raise RuntimeError("the job queue is already started")
        self._handler = handler
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    async def enqueue(self, job: Job) -> str:
        if self.stopped:
            raise RuntimeError("the job queue is stopped")
        if job.id in self.running or any(queued.id == job.id for queued in self.queued):
            return job.id
        self.queued.append(job)
        if self.run_inline and self._handler is not None:
            await self.run_pending()
        return job.id

    async def cancel(self, job_id: str) -> bool:
        # Like the real queue, a cancelled queued job stays queued (flagged) until its turn
        # comes, and is dropped then.
        pending = job_id in self.running or any(job.id == job_id for job in self.queued)
        if not pending:
            return False
        if job_id not in self._cancel_flags:
            self._cancel_flags.add(job_id)
            self.cancelled_ids.append(job_id)
        return True

    def is_cancelled(self, job_id: str) -> bool:
        return job_id in self._cancel_flags

    async def is_pending(self, job_id: str) -> bool:
        return job_id in self.running or any(job.id == job_id for job in self.queued)

    async def run_pending(self) -> list[Job]:
        """Run queued jobs (including ones enqueued meanwhile) in order; returns those run.

        Cancelled jobs are dropped instead of run.
        """
        if self._handler is None:
            raise RuntimeError("start the job queue before running jobs")
        ran: list[Job] = []
        while self.queued:
            job = self.queued.pop(0)
            if job.id in self._cancel_flags:
                self._cancel_flags.discard(job.id)
                self.dropped.append(job)
                continue
            self.running[job.id] = job
            deferred = False
            try:
                await self._handler(job)
                self.completed.append(job)
            except RunDeferred as deferral:
                # The delay is recorded, not waited for: the job goes to the back of the line.
                deferred = True
                self.deferrals.append((job, deferral.delay_seconds))
                self.queued.append(job)
            except Exception as error:
                self.failures.append((job, error))
            finally:
                del self.running[job.id]
                if not deferred:
                    self._cancel_flags.discard(job.id)
            ran.append(job)
        return ran

    async def join(self) -> None:
        """Same call as on the in-process queue: returns once every queued job has run."""
        await self.run_pending()
