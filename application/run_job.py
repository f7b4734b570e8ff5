"""The worker side of a run: generate the site, store site.zip and tokens.json, record outcome.

The blocking pipeline runs in a worker thread. Every progress event is stored (so clients
that connect late replay it) and then fanned out to live listeners. Checkpoints live under
the project's storage prefix, so a retry — or an attempt after the process handling the
run died — resumes after the last finished phase (see application/run_attempt.py).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import attrs

from application import keys, log_context
from application.checkpoints import CheckpointStore
from application.generate import artefact_files, build_report
from application.pipeline import (
    GENERATION_PHASES,
    PhaseFailed,
    PipelineInput,
    PipelineResult,
    unexpected_error_message,
)
from application.progress import RunProgress
from application.project_status import set_project_status
from application.run_attempt import (
    AttemptState,
    RunCancelToken,
    RunLease,
    RunLimits,
    StoredProgress,
)
from application.schemas import SchemaStore
from application.tools import GenerationTools
from application.versions import STATIC_DIR, SiteVersions
from domain.design import BrandInputs
from domain.documents import SourceFile
from domain.errors import KirbyGenError, RunCancelled, RunDeferred
from domain.model_use import current_ledger, recording
from domain.ports import (
    Clock,
    IdGenerator,
    Job,
    JobQueue,
    ProgressStream,
    ProjectRepository,
    SessionStore,
    SiteArchiver,
    Storage,
)
from domain.project import (
    ACTIVE_RUN_STATUSES,
    EventStatus,
    FailedAt,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
    Run,
    RunFailure,
    RunStatus,
    RunStep,
    TokenUsage,
    Upload,
    UploadKind,
)
from domain.serialization import to_json
from domain.site import SiteFile

logger = logging.getLogger(__name__)
# The phases a generation run goes through; deployment is its own record.
RUN_PHASES = (*GENERATION_PHASES, Phase.VERSIONING)


def unique_names(uploads: Sequence[Upload]) -> list[str]:
    """Display names for the uploads, made unique: two uploads may share an original name."""
    seen: set[str] = set()
    names: list[str] = []
    for upload in uploads:
        name, n = upload.original_name, 1
        stem, dot, ext = upload.original_name.rpartition(".")
        while name in seen:
            n += 1
            name = f"{stem} ({n}).{ext}" if dot and stem else f"{upload.original_name} ({n})"
        seen.add(name)
        names.append(name)
    return names


class GenerationJobHandler:
    """``JobHandler`` for generation jobs.

    The pipeline works in a thread; the event loop side renews the run's lease and fails a
    phase that outlives its timeout (the thread, left to end on its own, records nothing
    more). A run whose site phase was finished by an earlier attempt is done; any other
    phase goes on from its checkpoint.
    """

    def __init__(
        self,
        *,
        repository: ProjectRepository,
        storage: Storage,
        schemas: SchemaStore,
        sessions: SessionStore,
        queue: JobQueue,
        fanout: ProgressStream,
        archiver: SiteArchiver,
        tools: GenerationTools,
        clock: Clock,
        ids: IdGenerator,
        work_root: Path,
        limits: RunLimits | None = None,
        versions: SiteVersions | None = None,
    ) -> None:
        self._versions = versions
        self._repository = repository
        self._storage = storage
        self._schemas = schemas
        self._sessions = sessions
        self._queue = queue
        self._fanout = fanout
        self._archiver = archiver
        self._tools = tools
        self._clock = clock
        self._ids = ids
        self._work_root = work_root
        self._limits = limits or RunLimits()

    async def __call__(self, job: Job) -> None:
        # Every log line of the job (in this task and in the threads it starts) names it.
        with log_context.bound(job_id=job.id, run_id=job.run_id, project_id=job.project_id):
            await self._work_on(job)

    async def _work_on(self, job: Job) -> None:
        state = AttemptState(job, self._ids.new_id())
        lease = RunLease(self._sessions, job.run_id, state.token, self._limits.lease_seconds)
        work = asyncio.ensure_future(asyncio.to_thread(self._handle, job, state, lease))
        tick = max(0.05, min(self._limits.lease_seconds / 3, 1.0))
        renewed = asyncio.get_running_loop().time()
        while True:
            done, _ = await asyncio.wait({work}, timeout=tick)
            if done:
                work.result()  # RunDeferred (and unexpected errors) go to the queue
                return
            overdue = state.overdue(self._limits)
            if overdue is not None and state.abandon():
                stuck = state.where_stuck()
                await asyncio.to_thread(self._time_out, job, overdue, lease, stuck)
                return
            now = asyncio.get_running_loop().time()
            if now - renewed >= self._limits.lease_seconds / 3:
                await asyncio.to_thread(lease.renew)
                renewed = now

    def _handle(self, job: Job, state: AttemptState, lease: RunLease) -> None:
        run = self._repository.get_run(job.run_id)
        project = self._repository.get_project(job.project_id)
        if run is None or project is None or run.status not in ACTIVE_RUN_STATUSES:
            return  # deleted, or already finished (a duplicate delivery)
        if not lease.claim():
            # Another attempt still holds the run (its process may have just died): come
            # back once its lease has run out.
            raise RunDeferred(
                "another worker holds this run", delay_seconds=self._limits.lease_seconds
            )
        try:
            # Model usage (even of a failed or deferred attempt) adds up on the run: the run's
            # record takes it when it is written (_finish, _wait_in_queue), the rest here.
            with recording() as model_use:
                try:
                    self._attempt(job, run, project, state)
                finally:
                    usage = model_use.take_usage()
                    stored = self._repository.get_run(run.id)
                    if usage != TokenUsage() and stored is not None:
                        self._repository.update_run(_with_usage(stored, usage))
        finally:
            lease.release()

    def _attempt(self, job: Job, run: Run, project: Project, state: AttemptState) -> None:
        cancel = RunCancelToken(self._sessions, self._queue, self._repository, state)
        if cancel.cancelled():
            if cancel.requested():
                self._finish(run, RunStatus.CANCELLED, ProjectStatus.CANCELLED, ())
            return  # otherwise the worker is stopping, or the run is gone: nothing to record
        if Phase.SITE in run.completed_phases and (
            self._versions is None or Phase.VERSIONING in run.completed_phases
        ):
            # An earlier attempt stored every output and died before saying so.
            self._finish(run, RunStatus.SUCCEEDED, ProjectStatus.GENERATED, RUN_PHASES)
            return
        run = attrs.evolve(
            run, status=RunStatus.RUNNING, started=run.started or self._clock.now(), finished=None
        )
        self._repository.update_run(run)
        progress = StoredProgress(self._repository, self._fanout, run, state)
        try:
            self._generate(project, run, progress, cancel)
            if not state.abandoned:
                with outside_phases(RunStep.FINISH):
                    self._record(
                        run, RunStatus.SUCCEEDED, ProjectStatus.GENERATED, progress.completed
                    )
                self._fanout.close_run(run.id)
        except RunDeferred as deferral:
            if not state.abandoned and not cancel.gone():
                self._wait_in_queue(run, progress, deferral)
            raise
        except RunCancelled:
            if state.abandoned or cancel.gone():
                return
            if cancel.requested():
                self._finish(run, RunStatus.CANCELLED, ProjectStatus.CANCELLED, progress.completed)
            else:
                # The worker is stopping: the run stays active, and the job goes back to the
                # queue (SAQ) or is found again at the next start (in-process).
                logger.info("run %s interrupted; it resumes from its last finished phase", run.id)
        except PhaseFailed as exc:
            if state.abandoned:
                return  # its timeout was recorded already
            if cancel.gone():
                logger.info("run %s stopped: its project was deleted", run.id)
                return
            log_failure(run.id, exc)
            self._finish(
                run, RunStatus.FAILED, ProjectStatus.FAILED, progress.completed, exc.failure
            )

    def _wait_in_queue(self, run: Run, progress: StoredProgress, deferral: RunDeferred) -> None:
        """The run waits in the queue again; its watchers are told why and for how long."""
        current = self._repository.get_run(run.id) or run
        self._repository.update_run(attrs.evolve(_with_usage(current), status=RunStatus.QUEUED))
        phase = next((p for p in GENERATION_PHASES if p not in progress.completed), Phase.SITE)
        RunProgress(run.id, progress, self._clock).emit(
            phase,
            EventStatus.PROGRESS,
            0,
            f"waiting {deferral.delay_seconds:g} s before going on: {deferral.message}",
        )

    def _time_out(self, job: Job, phase: Phase, lease: RunLease, stuck: str) -> None:
        run = self._repository.get_run(job.run_id)
        if run is not None and run.status in ACTIVE_RUN_STATUSES:
            limit = self._limits.timeout_of(phase) or 0
            message = (
                f"the {phase.value} phase took longer than {limit:.0f} s "
                f"(KIRBYGEN_PHASE_TIMEOUT_{phase.value.upper()}_SECONDS)"
            )
            event = ProgressEvent(
                run_id=run.id,
                phase=phase,
                status=EventStatus.FAILED,
                percent=100,
                message=message,
                ts=self._clock.now(),
            )
            self._fanout.publish(self._repository.append_event(event))
            failure = RunFailure(phase=phase, code="phase_timeout", message=message)
            logger.error(
                "run %s failed in %s: %s (phase_timeout)",
                run.id,
                phase.value,
                message,
                # Where the phase's thread was when it was given up: what it waited on.
                extra={"phase": phase.value, "failure_code": "phase_timeout", "stack": stuck},
            )
            self._finish(run, RunStatus.FAILED, ProjectStatus.FAILED, (), failure)
        lease.release()

    def _generate(
        self, project: Project, run: Run, progress: StoredProgress, cancel: RunCancelToken
    ) -> None:
        with outside_phases(RunStep.SETUP):
            request = self._pipeline_input(project)
            tools = self._tools
            pipeline = tools.pipeline(
                checkpoints=CheckpointStore(self._storage, keys.checkpoints_prefix(project.id)),
                progress=RunProgress(run.id, progress, self._clock),
                cancel=cancel,
            )
            self._work_root.mkdir(parents=True, exist_ok=True)
            work = tempfile.TemporaryDirectory(
                dir=self._work_root, prefix="run-", ignore_cleanup_errors=True
            )

        def artefacts(result: PipelineResult, files: Sequence[SiteFile]) -> list[SiteFile]:
            return artefact_files(result, build_report(result, files, tools.cms.name))

        static: list[SiteFile] = []

        def publish(result: PipelineResult, site: Path) -> None:
            # Inside the site phase: once it is reported done, every output is stored.
            with self._archiver.archive(site) as archive:
                self._storage.put(keys.site_zip_key(project.id), archive)
            self._storage.put(keys.tokens_key(project.id), to_json(result.design.tokens).encode())
            static[:] = self._tools.static.export(result.site_spec(project.name))
            self._store_preview(project, static)

        with work:
            site = Path(work.name) / "site"
            pipeline.run(request, site, artefacts, publish)
            if self._versions is not None:
                self._version(project, run, site, progress, cancel, static=static)

    def _pipeline_input(self, project: Project) -> PipelineInput:
        """The project's approved schema, material and brand, read for one run."""
        approved = self._schemas.approved(project.id)
        if approved is None:
            raise PhaseFailed(
                RunFailure(Phase.MAPPING, "schema_not_approved", "the schema is not approved")
            )
        uploads = self._repository.list_uploads(project.id)
        files = [
            (upload, SourceFile(name, self._storage.get(upload.stored_key)))
            for upload, name in zip(uploads, unique_names(uploads), strict=True)
        ]
        # Content uploads are the material (their images become photos); a branding upload is
        # the logo and moodboard uploads feed the palette.
        brand_files = [(u, f) for u, f in files if u.kind is not UploadKind.CONTENT]
        logo = next((f.name for u, f in brand_files if u.kind is UploadKind.BRANDING), None)
        brand = BrandInputs(
            colors=project.brand_colors,
            font=project.font,
            moodboard=tuple(f.name for u, f in brand_files if u.kind is UploadKind.MOODBOARD),
            logo=logo,
        )
        return PipelineInput(
            name=project.name,
            sources=tuple(f for u, f in files if u.kind is UploadKind.CONTENT),
            brand=brand,
            brand_images=tuple(f for _, f in brand_files),
            approved_schema=approved,
        )

    def _version(
        self,
        project: Project,
        run: Run,
        site: Path,
        progress: StoredProgress,
        cancel: RunCancelToken,
        *,
        static: Sequence[SiteFile],
    ) -> None:
        """Phase 6: commit the site (with its static export) for this run, and push it."""
        assert self._versions is not None
        versions = self._versions
        if cancel.cancelled():
            raise RunCancelled("cancelled before versioning")
        steps = RunProgress(run.id, progress, self._clock)
        with log_context.bound(phase=Phase.VERSIONING.value):
            steps.emit(Phase.VERSIONING, EventStatus.STARTED, 0, "versioning started")
            try:
                self._tools.output.write(site / STATIC_DIR, static)
                commit = versions.record(project.id, run.id, site, versions.remote(project.id))
            except Exception as exc:
                failure = failure_of(Phase.VERSIONING, exc)
                steps.emit(Phase.VERSIONING, EventStatus.FAILED, 100, failure.message)
                raise PhaseFailed(failure) from exc
            current = self._repository.get_run(run.id)
            if current is not None:
                self._repository.update_run(attrs.evolve(current, commit_id=commit))
            done = f"committed {commit[:12]}" if commit else "nothing to commit"
            steps.emit(Phase.VERSIONING, EventStatus.COMPLETED, 100, done)

    def _store_preview(self, project: Project, files: Sequence[SiteFile]) -> None:
        """The static export of this run replaces the previous preview."""
        prefix = keys.preview_prefix(project.id)
        self._storage.delete_prefix(prefix)
        for file in files:
            self._storage.put(prefix + file.path, file.data)

    def _finish(
        self,
        run: Run,
        status: RunStatus,
        project_status: ProjectStatus,
        completed: Sequence[Phase],
        failure: RunFailure | None = None,
    ) -> None:
        self._record(run, status, project_status, completed, failure)
        # Only a run that ended closes its live streams: an interrupted one goes on elsewhere.
        self._fanout.close_run(run.id)

    def _record(
        self,
        run: Run,
        status: RunStatus,
        project_status: ProjectStatus,
        completed: Sequence[Phase],
        failure: RunFailure | None = None,
    ) -> None:
        """The run's outcome, stored. The project first: whoever sees the run ended finds
        the project's status already matching it."""
        set_project_status(self._repository, self._clock, run.project_id, project_status)
        current = self._repository.get_run(run.id) or run
        done = tuple(p for p in RUN_PHASES if p in set(completed) | set(current.completed_phases))
        finished = attrs.evolve(
            _with_usage(current),
            status=status,
            finished=self._clock.now(),
            completed_phases=done,
            failure=failure,
        )
        self._repository.update_run(finished)


def _with_usage(run: Run, extra: TokenUsage | None = None) -> Run:
    """``run`` with the model usage of this attempt not yet on its record added."""
    ledger = current_ledger()
    usage = ledger.take_usage() if ledger is not None else TokenUsage()
    return attrs.evolve(run, usage=run.usage + usage + (extra or TokenUsage()))


def failure_of(where: FailedAt, exc: Exception) -> RunFailure:
    """The failure record of an error: its code and message when the product raised it on
    purpose, a short description of it otherwise."""
    if isinstance(exc, KirbyGenError):
        return RunFailure(phase=where, code=exc.code, message=exc.message)
    return RunFailure(phase=where, code="internal_error", message=unexpected_error_message(exc))


@contextmanager
def outside_phases(step: RunStep) -> Iterator[None]:
    """Work of the run before or after its phases: its log lines name ``step``, and an error
    inside fails the run there (never in a phase that did not fail)."""
    with log_context.bound(phase=step.value):
        try:
            yield
        except (RunDeferred, RunCancelled, PhaseFailed):
            raise
        except Exception as exc:
            raise PhaseFailed(failure_of(step, exc)) from exc


def log_failure(run_id: str, exc: PhaseFailed) -> None:
    """One log line for a failed run, naming the phase or step where it failed. A failure
    nobody foresaw is an error with the full stack trace of its cause; one the product raised
    on purpose (no readable material, a refused model call…) is a warning: its code and
    message say it all. The person sees only the failure's short message."""
    failure = exc.failure
    foreseen = exc.__cause__ is None or isinstance(exc.__cause__, KirbyGenError)
    logger.log(
        logging.WARNING if foreseen else logging.ERROR,
        "run %s failed in %s: %s (%s)",
        run_id,
        failure.phase.value,
        failure.message,
        failure.code,
        exc_info=None if foreseen else exc,
        extra={"phase": failure.phase.value, "failure_code": failure.code},
    )
