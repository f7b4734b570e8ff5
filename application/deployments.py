"""Deployments (SPEC §2, phase 7): publish a version of a project's site to a target.

A deployment is recorded first (``queued``), then runs as a job on the same queue as the runs:
the job checks out the version, hands it to the target's ``Deployer`` and records the outcome
and every progress event. ``PublishSite`` is the part the CLI shares.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import attrs

from application import log_context
from application.access import ProjectAccess
from application.project_status import set_project_status
from application.versions import STATIC_DIR, SiteVersions
from domain.errors import KirbyGenError, NotFound
from domain.ports import (
    Clock,
    Deployer,
    DeploymentRepository,
    DeployProgress,
    DeployResult,
    IdGenerator,
    Job,
    JobHandler,
    JobQueue,
    ProjectRepository,
    SessionStore,
    SiteBundle,
)
from domain.project import (
    ACTIVE_DEPLOYMENT_STATUSES,
    Deployment,
    DeploymentStatus,
    DeployTarget,
    EventStatus,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
    Role,
)
from domain.refusals import Conflict

DEPLOY_JOB = "deploy"
SLUG_MAX = 40


class DeployFailed(KirbyGenError):
    """A target refused or failed to publish; the message says what to do."""

    def __init__(self, message: str, *, code: str = "deploy_failed") -> None:
        super().__init__(message, code=code)


def site_slug(name: str, fallback: str = "site") -> str:
    """A lower-case, dash-separated name for services and bucket prefixes."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or fallback


def stop_key(deployment_id: str) -> str:
    """Session key of a request to stop a (local) deployment, seen by whichever process
    serves it."""
    return f"deployment-stop:{deployment_id}"


class StopRequests:
    """Whether someone asked (through the session store) to stop a deployment."""

    def __init__(self, sessions: SessionStore) -> None:
        self._sessions = sessions

    def __call__(self, deployment_id: str) -> bool:
        return self._sessions.get(stop_key(deployment_id)) is not None


class PublishSite:
    """Runs one recorded deployment through its target and records how it went."""

    def __init__(
        self,
        *,
        deployers: Mapping[str, Deployer],
        records: DeploymentRepository,
        clock: Clock,
    ) -> None:
        self._deployers = deployers
        self._records = records
        self._clock = clock

    def deployer(self, target: str) -> Deployer:
        found = self._deployers.get(target)
        if found is None:
            raise DeployFailed(
                f"unknown deployment target {target!r}; use one of "
                + ", ".join(sorted(self._deployers)),
                code="unknown_target",
            )
        return found

    def __call__(self, deployment: Deployment, bundle: SiteBundle | None) -> Deployment:
        deployment = attrs.evolve(deployment, status=DeploymentStatus.DEPLOYING.value)
        self._records.update_deployment(deployment)

        def progress(percent: int, message: str) -> None:
            self._event(deployment.id, EventStatus.PROGRESS, percent, message)

        self._event(deployment.id, EventStatus.STARTED, 0, f"deploying to {deployment.target}")
        try:
            result = self._publish(deployment, bundle, progress)
        except KirbyGenError as exc:
            self._event(deployment.id, EventStatus.FAILED, 100, exc.message)
            done = attrs.evolve(
                deployment,
                status=DeploymentStatus.FAILED.value,
                error=exc.message,
                finished=self._clock.now(),
            )
        else:
            self._event(deployment.id, EventStatus.COMPLETED, 100, f"live at {result.url}")
            done = attrs.evolve(
                deployment,
                status=DeploymentStatus.LIVE.value,
                url=result.url,
                provider_ref=result.provider_ref or deployment.provider_ref,
                finished=self._clock.now(),
                error=None,
            )
        self._records.update_deployment(done)
        return done

    def _publish(
        self, deployment: Deployment, bundle: SiteBundle | None, progress: DeployProgress
    ) -> DeployResult:
        deployer = self.deployer(deployment.target)
        if deployment.rollback_of is not None:
            to = self._records.get_deployment(deployment.rollback_of)
            if to is None:
                raise DeployFailed(f"no deployment {deployment.rollback_of!r} to roll back to")
            return deployer.rollback(deployment.id, to, progress)
        if bundle is None:
            raise DeployFailed("there is no site to deploy", code="no_site")
        return deployer.deploy(deployment.id, bundle, self.previous(deployment), progress)

    def previous(self, deployment: Deployment) -> Deployment | None:
        """The project's latest deployment to the same target that reached the provider."""
        for earlier in self._records.list_deployments(deployment.project_id):
            if (
                earlier.id != deployment.id
                and earlier.target == deployment.target
                and earlier.provider_ref
            ):
                return earlier
        return None

    def _event(self, deployment_id: str, status: EventStatus, percent: int, message: str) -> None:
        self._records.append_deployment_event(
            ProgressEvent(
                run_id=deployment_id,
                phase=Phase.DEPLOYMENT,
                status=status,
                percent=max(0, min(100, percent)),
                message=message,
                ts=self._clock.now(),
            )
        )


@attrs.frozen
class DeploymentWorkspace:
    """Where deployment jobs check versions out (a local deployment keeps serving from it)."""

    root: Path

    def folder(self, deployment_id: str) -> Path:
        return self.root / deployment_id


class DeploymentService:
    """Deployments of a project over the API: start (queued), list, read, events, stop."""

    def __init__(
        self,
        *,
        repository: ProjectRepository,
        records: DeploymentRepository,
        versions: SiteVersions,
        publish: PublishSite,
        queue: JobQueue,
        sessions: SessionStore,
        access: ProjectAccess,
        clock: Clock,
        ids: IdGenerator,
        default_target: str,
        ttl_seconds: int,
    ) -> None:
        self._repository = repository
        self._records = records
        self._versions = versions
        self._publish = publish
        self._queue = queue
        self._sessions = sessions
        self._access = access
        self._clock = clock
        self._ids = ids
        self._default_target = default_target
        self._ttl = ttl_seconds

    async def start(
        self,
        project_id: str,
        user_id: str,
        *,
        target: str | None = None,
        rollback_of: str | None = None,
    ) -> Deployment:
        deployment = await asyncio.to_thread(
            self._prepare, project_id, user_id, target, rollback_of
        )
        await self._queue.enqueue(
            Job(
                id=self._ids.new_id(),
                run_id=deployment.id,  # a deploy job's run_id names the deployment
                project_id=project_id,
                kind=DEPLOY_JOB,
            )
        )
        return deployment

    def list_deployments(self, project_id: str, user_id: str) -> list[Deployment]:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self._records.list_deployments(project_id)

    def get(self, project_id: str, user_id: str, deployment_id: str) -> Deployment:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self._of(project_id, deployment_id)

    def events(
        self, project_id: str, user_id: str, deployment_id: str, after_seq: int = 0
    ) -> list[ProgressEvent]:
        self.get(project_id, user_id, deployment_id)
        return self._records.list_deployment_events(deployment_id, after_seq=after_seq)

    def stop(self, project_id: str, user_id: str, deployment_id: str) -> Deployment:
        """Stop a local deployment's server (in this process, or through the session store
        in whichever worker serves it)."""
        self._access.require(project_id, user_id, Role.EDITOR)
        deployment = self._of(project_id, deployment_id)
        if deployment.target != DeployTarget.LOCAL.value:
            raise Conflict(
                "only a local deployment can be stopped; a Render or S3 site stays published "
                "until a later deployment or a rollback replaces it",
                code="deployment_not_stoppable",
            )
        if deployment.status in (DeploymentStatus.STOPPED.value, DeploymentStatus.FAILED.value):
            return deployment
        self._sessions.put(stop_key(deployment_id), b"1", self._ttl)
        self._publish.deployer(deployment.target).stop(deployment)
        stopped = attrs.evolve(
            deployment, status=DeploymentStatus.STOPPED.value, finished=self._clock.now()
        )
        self._records.update_deployment(stopped)
        return stopped

    def _prepare(
        self, project_id: str, user_id: str, target: str | None, rollback_of: str | None
    ) -> Deployment:
        project = self._access.require(project_id, user_id, Role.EDITOR)
        chosen = (target or self._default_target).strip().lower()
        self._publish.deployer(chosen)  # an unknown target is refused before anything starts
        existing = self._records.list_deployments(project_id)
        if any(d.status in ACTIVE_DEPLOYMENT_STATUSES for d in existing):
            raise Conflict("a deployment of this project is in progress", code="deployment_active")
        commit: str | None
        if rollback_of is not None:
            to = self._of(project_id, rollback_of)
            if to.target != chosen or not to.provider_ref:
                raise Conflict(
                    f"deployment {rollback_of!r} cannot be rolled back to on {chosen}: it "
                    "never reached the target",
                    code="not_rollbackable",
                )
            if chosen != DeployTarget.RENDER.value:
                raise Conflict(
                    "rollback is offered for Render deployments", code="not_rollbackable"
                )
            commit = to.commit
        else:
            history = self._versions.history(self._versions.checkout(project_id))
            if not history:
                raise Conflict(
                    "this project has no version to deploy yet: generate the site first",
                    code="no_version",
                )
            commit = history[0].id
        deployment = Deployment(
            id=self._ids.new_id(),
            project_id=project_id,
            target=chosen,
            url="",
            status=DeploymentStatus.QUEUED.value,
            created=self._clock.now(),
            commit=commit,
            rollback_of=rollback_of,
        )
        self._records.add_deployment(deployment)
        set_project_status(self._repository, self._clock, project.id, ProjectStatus.DEPLOYING)
        return deployment

    def _of(self, project_id: str, deployment_id: str) -> Deployment:
        found = self._records.get_deployment(deployment_id)
        if found is None or found.project_id != project_id:
            raise NotFound(
                f"no deployment {deployment_id!r} in this project", code="deployment_not_found"
            )
        return found


class DeploymentJobHandler:
    """``JobHandler`` for deployment jobs: check the version out, publish, record."""

    def __init__(
        self,
        *,
        repository: ProjectRepository,
        records: DeploymentRepository,
        versions: SiteVersions,
        publish: PublishSite,
        workspace: DeploymentWorkspace,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._records = records
        self._versions = versions
        self._publish = publish
        self._workspace = workspace
        self._clock = clock

    async def __call__(self, job: Job) -> None:
        # A deployment job carries the deployment's id where a generation job has its run's.
        with log_context.bound(job_id=job.id, project_id=job.project_id, phase="deployment"):
            await asyncio.to_thread(self._handle, job)

    def _handle(self, job: Job) -> None:
        deployment = self._records.get_deployment(job.run_id)
        if deployment is None or deployment.status not in ACTIVE_DEPLOYMENT_STATUSES:
            return  # gone, or already handled (a duplicate delivery)
        project = self._repository.get_project(deployment.project_id)
        if project is None:
            return
        folder = self._workspace.folder(deployment.id)
        bundle = None
        try:
            if deployment.rollback_of is None:
                bundle = self._check_out(project, deployment, folder)
            done = self._publish(deployment, bundle)
        except KirbyGenError as exc:
            done = attrs.evolve(
                deployment,
                status=DeploymentStatus.FAILED.value,
                error=exc.message,
                finished=self._clock.now(),
            )
            self._records.update_deployment(done)
        finally:
            # A local deployment keeps serving from its folder until it is stopped.
            if deployment.target != DeployTarget.LOCAL.value:
                shutil.rmtree(folder, ignore_errors=True)
        live = done.status == DeploymentStatus.LIVE.value
        status = ProjectStatus.DEPLOYED if live else ProjectStatus.FAILED
        set_project_status(self._repository, self._clock, project.id, status)
        if live:
            self._link_run(done)

    def _check_out(self, project: Project, deployment: Deployment, folder: Path) -> SiteBundle:
        if deployment.commit is None:
            raise DeployFailed("the deployment names no version", code="no_version")
        repo = self._versions.checkout(project.id)
        shutil.rmtree(folder, ignore_errors=True)
        self._versions.git.export(repo, deployment.commit, folder)
        return SiteBundle(
            name=f"{site_slug(project.name)}-{project.id[:8].lower()}",
            title=project.name,
            site=folder,
            static=folder / STATIC_DIR,
            commit=deployment.commit,
            repo=repo,
            remote=self._versions.remote(project.id),
        )

    def _link_run(self, deployment: Deployment) -> None:
        """The run that made the deployed version records the deployment."""
        for run in self._repository.list_runs(deployment.project_id):
            if run.commit_id is not None and run.commit_id == deployment.commit:
                self._repository.update_run(attrs.evolve(run, deployment_id=deployment.id))


class JobRouter:
    """One ``JobHandler`` for the queue that hands each job to the handler of its kind."""

    def __init__(self, handlers: Mapping[str, JobHandler]) -> None:
        self._handlers = dict(handlers)

    async def __call__(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        if handler is None:
            raise KirbyGenError(f"no handler for jobs of kind {job.kind!r}", code="unknown_job")
        await handler(job)
