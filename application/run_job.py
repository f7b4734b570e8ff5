"""The worker side of a run: generate the site, store site.zip and tokens.json, record outcome.

The blocking pipeline runs in a worker thread. Every progress event is stored (so clients
that connect late replay it) and then fanned out to live listeners. Checkpoints live under
the project's storage prefix, so a retry resumes after the last finished phase.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Protocol

import attrs

from application import keys
from application.checkpoints import CheckpointStore
from application.generate import artefact_files, build_report
from application.pipeline import (
    GENERATION_PHASES,
    PhaseFailed,
    PipelineInput,
    PipelineResult,
)
from application.progress import RunProgress
from application.project_status import set_project_status
from application.schemas import SchemaStore
from application.tools import GenerationTools
from domain.design import BrandInputs
from domain.documents import SourceFile
from domain.errors import KirbyGenError, RunCancelled
from domain.ports import (
    Clock,
    Job,
    JobQueue,
    ProgressSink,
    ProjectRepository,
    SessionStore,
    Storage,
)
from domain.project import (
    ACTIVE_RUN_STATUSES,
    EventStatus,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
    Run,
    RunFailure,
    RunStatus,
    Upload,
    UploadKind,
)
from domain.serialization import to_json
from domain.site import SiteFile

logger = logging.getLogger(__name__)
ZIP_SPOOL_BYTES = 8 * 1024 * 1024


class ProgressFanout(ProgressSink, Protocol):
    def close_run(self, run_id: str) -> None:
        """Tell the run's listeners that its last event has been published."""
        ...


class StoredProgress:
    """Stores each event (assigning its ``seq``), then fans the stored event out."""

    def __init__(self, repository: ProjectRepository, fanout: ProgressSink) -> None:
        self._repository = repository
        self._fanout = fanout
        self.completed: list[Phase] = []

    def publish(self, event: ProgressEvent) -> None:
        stored = self._repository.append_event(event)
        if event.status is EventStatus.COMPLETED and event.phase not in self.completed:
            self.completed.append(event.phase)
        self._fanout.publish(stored)


class RunCancelToken:
    """Cancelled when the run's cancel flag is set (any API instance) or the queue says so."""

    def __init__(self, sessions: SessionStore, queue: JobQueue, job: Job) -> None:
        self._sessions = sessions
        self._queue = queue
        self._job = job

    def cancelled(self) -> bool:
        if self._queue.is_cancelled(self._job.id):
            return True
        return self._sessions.get(keys.run_cancel_session(self._job.run_id)) is not None


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
    """``JobHandler`` for generation jobs."""

    def __init__(
        self,
        *,
        repository: ProjectRepository,
        storage: Storage,
        schemas: SchemaStore,
        sessions: SessionStore,
        queue: JobQueue,
        fanout: ProgressFanout,
        tools: GenerationTools,
        clock: Clock,
        work_root: Path,
    ) -> None:
        self._repository = repository
        self._storage = storage
        self._schemas = schemas
        self._sessions = sessions
        self._queue = queue
        self._fanout = fanout
        self._tools = tools
        self._clock = clock
        self._work_root = work_root

    async def __call__(self, job: Job) -> None:
        try:
            await asyncio.to_thread(self._handle, job)
        finally:
            self._fanout.close_run(job.run_id)

    def _handle(self, job: Job) -> None:
        run = self._repository.get_run(job.run_id)
        project = self._repository.get_project(job.project_id)
        if run is None or project is None or run.status not in ACTIVE_RUN_STATUSES:
            return  # deleted, or already finished (a duplicate delivery)
        cancel = RunCancelToken(self._sessions, self._queue, job)
        if cancel.cancelled():
            self._finish(run, RunStatus.CANCELLED, ProjectStatus.CANCELLED, run.completed_phases)
            return
        run = attrs.evolve(run, status=RunStatus.RUNNING, started=self._clock.now(), finished=None)
        self._repository.update_run(run)
        progress = StoredProgress(self._repository, self._fanout)
        try:
            self._generate(project, run, progress, cancel)
        except RunCancelled:
            self._finish(run, RunStatus.CANCELLED, ProjectStatus.CANCELLED, progress.completed)
        except PhaseFailed as exc:
            self._finish(
                run, RunStatus.FAILED, ProjectStatus.FAILED, progress.completed, exc.failure
            )
        except Exception as exc:
            logger.exception("run %s failed outside a phase", run.id)
            code = exc.code if isinstance(exc, KirbyGenError) else "internal_error"
            failure = RunFailure(phase=Phase.SITE, code=code, message=str(exc))
            self._finish(run, RunStatus.FAILED, ProjectStatus.FAILED, progress.completed, failure)
        else:
            self._finish(run, RunStatus.SUCCEEDED, ProjectStatus.GENERATED, GENERATION_PHASES)

    def _generate(
        self, project: Project, run: Run, progress: StoredProgress, cancel: RunCancelToken
    ) -> None:
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
        request = PipelineInput(
            name=project.name,
            sources=tuple(f for u, f in files if u.kind is UploadKind.CONTENT),
            brand=brand,
            brand_images=tuple(f for _, f in brand_files),
            approved_schema=approved,
        )
        tools = self._tools
        pipeline = tools.pipeline(
            checkpoints=CheckpointStore(self._storage, keys.checkpoints_prefix(project.id)),
            progress=RunProgress(run.id, progress, self._clock),
            cancel=cancel,
        )

        def artefacts(result: PipelineResult, files: Sequence[SiteFile]) -> list[SiteFile]:
            return artefact_files(result, build_report(result, files, tools.cms.name))

        self._work_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._work_root, prefix="run-") as work:
            site = Path(work) / "site"
            result = pipeline.run(request, site, artefacts)
            with _Zipped(site) as archive:
                self._storage.put(keys.site_zip_key(project.id), archive)  # type: ignore[arg-type]
        self._storage.put(keys.tokens_key(project.id), to_json(result.design.tokens).encode())
        self._store_preview(project, result)

    def _store_preview(self, project: Project, result: PipelineResult) -> None:
        """The static export of this run replaces the previous preview."""
        files = self._tools.static.export(result.site_spec(project.name))
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
        done = tuple(
            p for p in GENERATION_PHASES if p in set(completed) | set(run.completed_phases)
        )
        finished = attrs.evolve(
            run, status=status, finished=self._clock.now(), completed_phases=done, failure=failure
        )
        self._repository.update_run(finished)
        set_project_status(self._repository, self._clock, run.project_id, project_status)


class _Zipped:
    """A zip of a folder in a spooled temporary file, rewound for reading."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._file: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES)
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for folder, dirs, files in os.walk(self._root):
                dirs.sort()
                for name in sorted(files):
                    path = Path(folder, name)
                    archive.write(path, path.relative_to(self._root).as_posix())
        spool.seek(0)
        self._file = spool
        return spool

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
