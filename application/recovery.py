"""Runs left active by a process that died: found again and resumed, or ended honestly.

A run is an orphan when it is queued or running, its job is pending in no queue and no
worker holds its lease. An orphan is put back in the queue with a new job (it resumes from
its last finished phase) up to ``max_resumes`` times; after that — a run that keeps taking
its process down — it fails with ``interrupted`` and can be retried by hand. An orphan whose
cancellation was asked for ends cancelled.

The in-process queue loses its jobs with its process, so `kirbygen serve` recovers every
orphan at start-up. With SAQ, a dead worker's job comes back through SAQ's own sweep; the
worker still looks for orphans (jobs lost with a broker) now and then, and acts on a run
only when it was an orphan at the previous look too, so that a run between being recorded
and being enqueued is never taken for one.
"""

from __future__ import annotations

import asyncio
import logging

import attrs

from application import keys
from application.pipeline import GENERATION_PHASES
from application.project_status import set_project_status
from domain.ports import Clock, IdGenerator, Job, JobQueue, ProjectRepository, SessionStore
from domain.project import Phase, ProjectStatus, Run, RunFailure, RunStatus

logger = logging.getLogger(__name__)


@attrs.frozen
class Recovered:
    resumed: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()


class RunRecovery:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        sessions: SessionStore,
        queue: JobQueue,
        clock: Clock,
        ids: IdGenerator,
        max_resumes: int,
        ttl_seconds: int,
    ) -> None:
        self._repository = repository
        self._sessions = sessions
        self._queue = queue
        self._clock = clock
        self._ids = ids
        self._max_resumes = max_resumes
        self._ttl = ttl_seconds
        self._suspects: set[str] = set()

    async def recover(self, *, confirm: bool = False) -> Recovered:
        """Resume or end the orphaned runs. With ``confirm``, only those that were orphans
        at the previous call too (the others are remembered for the next one)."""
        runs = await asyncio.to_thread(self._repository.list_active_runs)
        orphans = [run for run in runs if await self._orphaned(run)]
        if confirm:
            ready = [run for run in orphans if run.id in self._suspects]
            self._suspects = {run.id for run in orphans}
            orphans = ready
        resumed: list[str] = []
        failed: list[str] = []
        cancelled: list[str] = []
        for run in orphans:
            outcome, job = await asyncio.to_thread(self._settle, run)
            if job is not None:
                await self._queue.enqueue(job)
            lists = {"resumed": resumed, "failed": failed, "cancelled": cancelled}
            if outcome in lists:
                lists[outcome].append(run.id)
        if orphans:
            logger.info(
                "recovered runs: %d resumed, %d failed, %d cancelled",
                len(resumed),
                len(failed),
                len(cancelled),
            )
        return Recovered(tuple(resumed), tuple(failed), tuple(cancelled))

    async def _orphaned(self, run: Run) -> bool:
        job_id = await asyncio.to_thread(self._sessions.get, keys.run_job_session(run.id))
        if job_id is not None and await self._queue.is_pending(job_id.decode()):
            return False
        lease = await asyncio.to_thread(self._sessions.get, keys.run_lease_session(run.id))
        return lease is None

    def _settle(self, run: Run) -> tuple[str, Job | None]:
        current = self._repository.get_run(run.id)
        if current is None or current.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return "settled", None  # settled meanwhile
        if self._sessions.get(keys.run_cancel_session(run.id)) is not None:
            self._end(current, RunStatus.CANCELLED, ProjectStatus.CANCELLED, None)
            return "cancelled", None
        resumes_key = keys.run_resumes_session(run.id)
        resumes = int(self._sessions.get(resumes_key) or b"0")
        if resumes >= self._max_resumes:
            failure = RunFailure(
                phase=next_phase(current),
                code="interrupted",
                message=(
                    f"the run was interrupted {resumes + 1} times (KIRBYGEN_RUN_MAX_RESUMES="
                    f"{self._max_resumes}); retry it to go on from its last finished phase"
                ),
            )
            self._end(current, RunStatus.FAILED, ProjectStatus.FAILED, failure)
            return "failed", None
        self._sessions.put(resumes_key, str(resumes + 1).encode(), self._ttl)
        job = Job(id=self._ids.new_id(), run_id=run.id, project_id=run.project_id)
        self._sessions.put(keys.run_job_session(run.id), job.id.encode(), self._ttl)
        logger.info("resuming run %s (job %s) after its process stopped", run.id, job.id)
        return "resumed", job

    def _end(
        self, run: Run, status: RunStatus, project: ProjectStatus, failure: RunFailure | None
    ) -> None:
        self._repository.update_run(
            attrs.evolve(run, status=status, finished=self._clock.now(), failure=failure)
        )
        set_project_status(self._repository, self._clock, run.project_id, project)


def next_phase(run: Run) -> Phase:
    """The first generation phase the run has not finished."""
    return next((p for p in GENERATION_PHASES if p not in run.completed_phases), Phase.SITE)
