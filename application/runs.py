"""Generation runs of a project: start (enqueue), list, read, cancel and retry."""

from __future__ import annotations

import asyncio

import attrs

from application import keys
from application.access import ProjectAccess
from application.locks import ProjectLocks
from application.project_status import set_project_status
from application.schemas import SchemaStore
from domain.errors import NotFound
from domain.ports import Clock, IdGenerator, Job, JobQueue, ProjectRepository, SessionStore
from domain.project import (
    ACTIVE_RUN_STATUSES,
    ProgressEvent,
    ProjectStatus,
    Role,
    Run,
    RunStatus,
)
from domain.refusals import Conflict

RETRYABLE = (RunStatus.FAILED, RunStatus.CANCELLED)


class RunService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        sessions: SessionStore,
        queue: JobQueue,
        store: SchemaStore,
        access: ProjectAccess,
        clock: Clock,
        ids: IdGenerator,
        ttl_seconds: int,
        locks: ProjectLocks,
    ) -> None:
        self._locks = locks
        self._repository = repository
        self._sessions = sessions
        self._queue = queue
        self._store = store
        self._access = access
        self._clock = clock
        self._ids = ids
        self._ttl = ttl_seconds

    async def start(self, project_id: str, user_id: str) -> Run:
        """Record a queued run and hand it to the job queue (the answer does not wait)."""
        run, job = await asyncio.to_thread(self._prepare_start, project_id, user_id)
        await self._queue.enqueue(job)
        return run

    async def cancel(self, project_id: str, user_id: str, run_id: str) -> Run:
        """Ask the run to stop at its next phase boundary; a queued run stops at once."""
        run, job_id = await asyncio.to_thread(self._prepare_cancel, project_id, user_id, run_id)
        if job_id is not None:
            await self._queue.cancel(job_id)
        return run

    async def retry(self, project_id: str, user_id: str, run_id: str) -> Run:
        """Run a failed or cancelled run again; finished phases are reused from checkpoints."""
        run, job = await asyncio.to_thread(self._prepare_retry, project_id, user_id, run_id)
        await self._queue.enqueue(job)
        return run

    def list_runs(self, project_id: str, user_id: str) -> list[Run]:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self._repository.list_runs(project_id)

    def get(self, project_id: str, user_id: str, run_id: str) -> Run:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self._run_of(project_id, run_id)

    def events(
        self, project_id: str, user_id: str, run_id: str, after_seq: int = 0
    ) -> list[ProgressEvent]:
        self.get(project_id, user_id, run_id)
        return self._repository.list_events(run_id, after_seq=after_seq)

    def latest(self, project_id: str, user_id: str) -> Run | None:
        runs = self.list_runs(project_id, user_id)
        return max(runs, key=lambda r: (r.created, r.id)) if runs else None

    # --- the synchronous halves ----------------------------------------------------------

    def _prepare_start(self, project_id: str, user_id: str) -> tuple[Run, Job]:
        # Under the project's lock: the approved schema cannot change between the check and
        # the run's start (the database itself keeps the project to one active run).
        with self._locks.hold(project_id):
            return self._start_locked(project_id, user_id)

    def _start_locked(self, project_id: str, user_id: str) -> tuple[Run, Job]:
        project = self._access.require(project_id, user_id, Role.EDITOR)
        if self._store.approved(project_id) is None:
            raise Conflict(
                "approve the schema before generating (POST …/schema/approve)",
                code="schema_not_approved",
            )
        self._refuse_if_active(project_id)
        run = Run(
            id=self._ids.new_id(),
            project_id=project_id,
            status=RunStatus.QUEUED,
            created=self._clock.now(),
        )
        self._repository.add_run(run)
        self._repository.update_project(
            attrs.evolve(project, status=ProjectStatus.GENERATING, updated=self._clock.now())
        )
        return run, self._job_for(run)

    def _prepare_cancel(self, project_id: str, user_id: str, run_id: str) -> tuple[Run, str | None]:
        self._access.require(project_id, user_id, Role.EDITOR)
        run = self._run_of(project_id, run_id)
        if run.status not in ACTIVE_RUN_STATUSES:
            raise Conflict(f"the run is already {run.status.value}", code="run_finished")
        self._sessions.put(keys.run_cancel_session(run_id), b"1", self._ttl)
        job_id = self._sessions.get(keys.run_job_session(run_id))
        if run.status is RunStatus.QUEUED:
            # Nothing has started: the queue drops the job, and the run ends here.
            run = attrs.evolve(run, status=RunStatus.CANCELLED, finished=self._clock.now())
            self._repository.update_run(run)
            set_project_status(self._repository, self._clock, project_id, ProjectStatus.CANCELLED)
        return run, None if job_id is None else job_id.decode()

    def _prepare_retry(self, project_id: str, user_id: str, run_id: str) -> tuple[Run, Job]:
        self._access.require(project_id, user_id, Role.EDITOR)
        run = self._run_of(project_id, run_id)
        if run.status not in RETRYABLE:
            raise Conflict(
                f"only a failed or cancelled run can be retried; this one is {run.status.value}",
                code="run_not_retryable",
            )
        self._refuse_if_active(project_id)
        self._sessions.delete(keys.run_cancel_session(run_id))
        run = attrs.evolve(run, status=RunStatus.QUEUED, finished=None, failure=None)
        self._repository.update_run(run)
        set_project_status(self._repository, self._clock, project_id, ProjectStatus.GENERATING)
        return run, self._job_for(run)

    def _job_for(self, run: Run) -> Job:
        # Each attempt is its own job, so a finished attempt's cancel flag cannot leak into it.
        job = Job(id=self._ids.new_id(), run_id=run.id, project_id=run.project_id)
        self._sessions.put(keys.run_job_session(run.id), job.id.encode(), self._ttl)
        return job

    def _run_of(self, project_id: str, run_id: str) -> Run:
        run = self._repository.get_run(run_id)
        if run is None or run.project_id != project_id:
            raise NotFound(f"no run {run_id!r} in this project", code="run_not_found")
        return run

    def _refuse_if_active(self, project_id: str) -> None:
        if any(r.status in ACTIVE_RUN_STATUSES for r in self._repository.list_runs(project_id)):
            raise Conflict("a run of this project is already in progress", code="run_active")
