"""Typed ports. Adapters implement them; application services depend on nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import attrs

from domain.content import StructuredContent
from domain.conversation import ConversationReply
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import Document, IngestLimits, SourceFile
from domain.hand_edits import MergedFile
from domain.issues import Issue
from domain.llm import LlmMessage, LlmResult, LlmTool
from domain.project import (
    Conversation,
    Deployment,
    Membership,
    ProgressEvent,
    Project,
    ProjectStatus,
    Run,
    Upload,
    User,
)
from domain.project_records import ProjectRecords
from domain.schema import ContentSchema
from domain.site import SiteFile, SiteSpec, WriteSummary
from domain.versions import CommitInfo, FileChange, VersionDiff

# --- infrastructure ---------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    def new_id(self) -> str: ...


@attrs.frozen
class StoredObject:
    key: str
    size: int
    sha256: str


class Storage(Protocol):
    """Blob storage addressed by '/'-separated keys (never client file names)."""

    def put(self, key: str, data: bytes | BinaryIO) -> StoredObject:
        """Store ``data`` (bytes, or a stream read in chunks, never whole) under ``key``."""
        ...

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> BinaryIO:
        """A stream of the object's bytes, read in chunks (``NotFound`` when absent);
        the caller closes it."""
        ...

    def presigned_url(self, key: str, *, download_name: str, media_type: str) -> str | None:
        """A short-lived URL that downloads the object without our credentials, or None
        when this storage has no such URLs (the caller streams it instead)."""
        ...

    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def delete_prefix(self, prefix: str) -> int: ...
    def list(self, prefix: str) -> list[str]: ...


class SiteArchiver(Protocol):
    """Packs a generated site folder into one archive file (a zip)."""

    def archive(self, root: Path) -> AbstractContextManager[BinaryIO]:
        """The archive of ``root``, rewound for reading; it is removed on leaving."""
        ...


class DatabaseDumper(Protocol):
    """Whole-database dumps in the database's own portable format (PostgreSQL: pg_dump's
    custom format), read and written as streams so a large database never sits in memory."""

    def dump(self) -> AbstractContextManager[BinaryIO]:
        """The dump's bytes as they are made. Leaving the block normally waits for the dump
        to end and raises ``DumpFailed`` when it did not complete (a partial dump is never a
        success); leaving it with an exception stops the dump."""
        ...

    def check(self, dump: BinaryIO) -> None:
        """Read the whole dump from ``dump`` as a restore would; raises ``DumpFailed`` when it
        is not a complete, readable dump."""
        ...

    def restore(self, dump: BinaryIO) -> None:
        """Restore the dump read from ``dump`` into the configured database, which must be
        empty, in one transaction; raises ``DumpFailed`` otherwise."""
        ...


class DependencyProbe(Protocol):
    """Checks that one external dependency answers (for the readiness endpoint)."""

    name: str

    def check(self) -> None:
        """Returns when the dependency answers; raises when it does not."""
        ...


@attrs.frozen
class Page:
    items: tuple[Any, ...]
    total: int


@attrs.frozen
class CallerAccess:
    """What one read tells about an authenticated caller and a project of theirs."""

    token_version: int
    membership: Membership | None  # None: not a member (or no such project)
    project: Project | None  # only when they are a member


class ProjectRepository(Protocol):
    """Projects, runs, progress events, uploads metadata, users and memberships."""

    def add_project(self, project: Project, members: Sequence[Membership] = ()) -> None:
        """Store a new project together with its first ``members``, in one transaction: a
        failure in between (the database going away) leaves neither."""
        ...

    def get_project(self, project_id: str) -> Project | None: ...
    def update_project(self, project: Project) -> None: ...
    def delete_project(self, project_id: str) -> None: ...
    def list_projects(
        self, user_id: str, *, status: ProjectStatus | None, offset: int, limit: int
    ) -> Page: ...

    def add_run(self, run: Run) -> None: ...
    def get_run(self, run_id: str) -> Run | None: ...
    def update_run(self, run: Run) -> None: ...
    def list_runs(self, project_id: str) -> list[Run]: ...
    def list_active_runs(self) -> list[Run]:
        """Every queued or running run of every project (for recovery after a crash)."""
        ...

    def append_event(self, event: ProgressEvent) -> ProgressEvent:
        """Store an event, assigning the next ``seq`` of its run; returns the stored event."""
        ...

    def list_events(self, run_id: str, *, after_seq: int = 0) -> list[ProgressEvent]: ...

    def add_upload(self, upload: Upload) -> Upload:
        """Store the upload under its name, or the first free ``stem-N.ext`` when the project
        already has that name (decided atomically); returns the upload as stored."""
        ...

    def get_upload(self, upload_id: str) -> Upload | None: ...
    def list_uploads(self, project_id: str) -> list[Upload]: ...
    def delete_upload(self, upload_id: str) -> None: ...

    def add_user(self, user: User) -> None: ...
    def get_user(self, user_id: str) -> User | None: ...
    def get_user_by_email(self, email: str) -> User | None: ...

    def token_version(self, user_id: str) -> int | None:
        """The user's token version, None when there is no such user (one indexed read:
        every authenticated request asks)."""
        ...

    def caller_access(self, user_id: str, project_id: str) -> CallerAccess | None:
        """The user's token version, membership of the project and the project, None when
        there is no such user: one read for every authenticated request about a project."""
        ...

    def revoke_tokens(self, user_id: str) -> None:
        """Raise the user's token version atomically, ending every token issued before."""
        ...

    def delete_user(self, user_id: str) -> None:
        """Delete the user and all their memberships (projects are the caller's business)."""
        ...

    def set_membership(self, membership: Membership) -> None: ...

    def remove_membership(self, project_id: str, user_id: str) -> bool:
        """True when a membership was removed."""
        ...

    def get_membership(self, project_id: str, user_id: str) -> Membership | None: ...
    def list_members(self, project_id: str) -> list[Membership]: ...


class ProjectRecordStore(Protocol):
    """All of one project's rows (project, members and their accounts, uploads, runs and
    their events, deployments and theirs), read and written in one transaction each."""

    def read(self, project_id: str) -> ProjectRecords | None:
        """A consistent snapshot of the project's rows; None when there is no such project."""
        ...

    def write(self, records: ProjectRecords, *, replace: bool = False) -> None:
        """Store every row in one transaction (all or nothing), events with their ``seq``.

        An account that already exists (same id) is kept as it is; one whose e-mail belongs
        to another account is refused (``InvalidInput``, code ``email_taken``). A project
        with the same id is refused (``Conflict``, code ``project_exists``) unless
        ``replace``, which deletes it and its rows in the same transaction first.
        """
        ...


class SessionStore(Protocol):
    """Short-lived state (login sessions, conversations) with a time to live.

    ``put_if`` and ``delete_if`` are atomic compare-and-set steps: several API processes share
    one store, so a read-modify-write (a conversation's turns, a refresh token's rotation, a
    lock) must commit only when nobody changed the value since it was read.
    """

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...

    def put_if(self, key: str, value: bytes, ttl_seconds: int, *, expected: bytes | None) -> bool:
        """Store ``value`` only when the live value is ``expected`` (``None``: only when the
        key is absent or expired); True when stored. Atomic against every other writer."""
        ...

    def delete_if(self, key: str, expected: bytes) -> bool:
        """Delete the key only when its live value is ``expected``; True when deleted. Two
        callers racing with the same ``expected`` value: exactly one gets True."""
        ...


@attrs.frozen
class Job:
    id: str
    run_id: str
    project_id: str
    kind: str = "generate"


JobHandler = Callable[[Job], Awaitable[None]]


class JobQueue(Protocol):
    """Runs jobs with at-least-once semantics; ``cancel`` is cooperative (see CancelToken).

    A handler that raises ``domain.errors.RunDeferred`` gives its worker back: the queue runs
    the same job again once ``delay_seconds`` have passed (it stays pending, and cancellable,
    meanwhile).
    """

    async def start(self, handler: JobHandler) -> None: ...
    async def stop(self) -> None: ...
    async def enqueue(self, job: Job) -> str: ...
    async def cancel(self, job_id: str) -> bool: ...
    def is_cancelled(self, job_id: str) -> bool: ...
    async def is_pending(self, job_id: str) -> bool:
        """True while the job is queued, deferred or running anywhere."""
        ...


class ProgressSink(Protocol):
    """Where progress events go as they happen (stored, displayed, fanned out)."""

    def publish(self, event: ProgressEvent) -> None: ...


class LiveSubscription(Protocol):
    """One listener's live events of a run, from the moment it subscribed.

    Delivery is best effort (a listener may miss events, e.g. while a broker restarts):
    the stored events are the record, and consumers catch up from them."""

    def __aiter__(self) -> AsyncIterator[ProgressEvent]: ...
    async def __anext__(self) -> ProgressEvent: ...

    async def started(self) -> None:
        """Returns once events published from now on will be received."""
        ...

    def close(self) -> None: ...


class ProgressStream(ProgressSink, Protocol):
    """Live fan-out of stored progress events to whoever watches a run, in any process."""

    def close_run(self, run_id: str) -> None:
        """Tell the run's listeners that its last event has been published."""
        ...

    def subscribe(self, run_id: str) -> LiveSubscription:
        """Start receiving ``run_id``'s events now; call from inside the event loop."""
        ...


class CancelToken(Protocol):
    def cancelled(self) -> bool: ...


# --- skills -----------------------------------------------------------------------------------


class Skill(Protocol):
    """A named implementation of a skill slot; the plugin registry picks one winner per slot."""

    slot: str
    name: str


class DocumentParser(Skill, Protocol):
    """Reads one kind of file. ``parse`` may be called for several files at once from
    different threads; a parser whose class sets ``runs_in_child = True`` (it does its work
    in a child process) makes ingest parse up to ``IngestLimits.parse_workers`` files at once.
    """

    media_types: frozenset[str]

    def accepts(self, source: SourceFile) -> bool:
        """True when this parser reads this file (judged from its bytes and media type)."""
        ...

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        """The document in ``source``, read within ``limits``.

        Raises ``domain.documents.RejectedInput`` (code + a reason naming the limit) for a
        file it refuses; any other exception is reported as a parse error.
        """
        ...


class DomainMapper(Skill, Protocol):
    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        """The schema of the documents, named ``name``; an empty ``name`` asks the mapper to
        name the site as the material does, leaving it empty when the material names none."""
        ...


class ContentStructurer(Skill, Protocol):
    def structure(
        self, documents: Sequence[Document], schema: ContentSchema
    ) -> StructuredContent: ...


class DesignSkill(Skill, Protocol):
    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem: ...


class ConversationSkill(Skill, Protocol):
    def reply(
        self,
        documents: Sequence[Document],
        conversation: Conversation,
        schema: ContentSchema,
        message: str,
    ) -> ConversationReply:
        """Answer ``message`` (the person's latest turn) given the conversation so far and the
        schema as it stands now (including the person's own edits since the last turn)."""
        ...


class SkillRegistry(Protocol):
    def parsers(self) -> list[DocumentParser]: ...
    def mapper(self) -> DomainMapper: ...
    def structurer(self) -> ContentStructurer: ...
    def designer(self) -> DesignSkill: ...
    def conversation(self) -> ConversationSkill | None:
        """The skill that holds the modelling conversation; None: the guided questionnaire."""
        ...


# --- outputs ----------------------------------------------------------------------------------


class CmsAdapter(Protocol):
    name: str

    def build(self, site: SiteSpec) -> list[SiteFile]: ...


class SiteChecker(Protocol):
    def check(self, root: Path) -> list[Issue]: ...


# Told after each file of a site write is handled: (done, total) files.
WriteProgress = Callable[[int, int], None]


class SiteOutput(Protocol):
    """Writes a generated site into a folder, touching only files whose bytes changed."""

    def write(
        self, root: Path, files: Sequence[SiteFile], progress: WriteProgress | None = None
    ) -> WriteSummary: ...

    def replace_file(self, root: Path, file: SiteFile) -> None:
        """Writes one file beside the site, atomically, outside the site's list of generated
        files (a record of the run such as the report); unchanged bytes are left alone."""
        ...


class StaticExporter(Protocol):
    """Renders the same site a CMS adapter builds as plain static files (HTML, CSS, media)
    that any static host serves as they are."""

    name: str

    def export(self, site: SiteSpec) -> list[SiteFile]: ...


class SiteReader(Protocol):
    """Reads what is in a site folder now: the files a person may have edited since the last
    generation, and the generator's own copies of what it wrote then."""

    def read(self, root: Path, path: str) -> bytes | None:
        """The bytes of the file at ``path`` (relative, '/'-separated), None when absent."""
        ...

    def list_paths(self, root: Path, prefix: str) -> list[str]:
        """Relative paths of the files below the folder ``prefix``, sorted."""
        ...

    def read_many(self, root: Path, paths: Sequence[str]) -> dict[str, bytes | None]:
        """``read`` of each path, in one go (checks shared between files of one folder)."""
        ...


class ContentMerger(Protocol):
    """Merges a person's edits of a generated content file with a new generation of it."""

    def is_mergeable(self, path: str) -> bool:
        """True for the files a person edits as content (for Kirby: ``content/**/*.txt``)."""
        ...

    def merge(self, path: str, base: bytes | None, owner: bytes, generated: bytes) -> MergedFile:
        """Three-way merge: ``base`` is what was generated last time (None when unknown),
        ``owner`` what is in the folder now, ``generated`` what this generation makes."""
        ...


@attrs.frozen
class GitRemote:
    url: str
    branch: str = "main"
    username: str = ""
    password: str = attrs.field(default="", repr=False)


@attrs.frozen
class GitIdentity:
    name: str
    email: str


class Git(Protocol):
    """A site's version history. ``repo`` is the repository's own folder (its git directory);
    the work tree is given per call, so a freshly generated folder is committed as it is."""

    def pending(self, repo: Path, tree: Path) -> list[FileChange]:
        """What committing ``tree`` now would change against the last commit (all files)."""
        ...

    def commit(self, repo: Path, tree: Path, message: str, author: GitIdentity) -> str | None:
        """Commit ``tree`` (creating the repository when needed); returns the commit id, or
        None when nothing changed."""
        ...

    def history(self, repo: Path) -> list[CommitInfo]:
        """The commits, newest first; empty when the repository does not exist."""
        ...

    def read(self, repo: Path, commit: str, path: str) -> bytes | None:
        """A file as it was in ``commit``; None when it was not there."""
        ...

    def diff(self, repo: Path, old: str | None, new: str, max_bytes: int) -> VersionDiff:
        """Files changed from ``old`` (None: from nothing) to ``new``, and the patch text."""
        ...

    def export(self, repo: Path, commit: str, dest: Path) -> None:
        """Write the files of ``commit`` into the folder ``dest``."""
        ...

    def bundle(self, repo: Path, dest: Path) -> bool:
        """Write the whole history (every branch and tag) into the single file ``dest``;
        False, writing nothing, when the repository has no commits."""
        ...

    def restore(self, bundle: Path, repo: Path) -> None:
        """Make ``repo`` hold exactly the history in ``bundle`` (checked object by object);
        it is built beside ``repo`` and swapped in, so a bad bundle leaves ``repo`` as it
        was. Raises KirbyGenError for a bundle git cannot read."""
        ...

    def remove(self, repo: Path) -> None:
        """Delete the repository (nothing happens when there is none)."""
        ...

    def push(self, repo: Path, commit: str, remote: GitRemote) -> None:
        """Make ``remote``'s branch point at ``commit``; raises KirbyGenError on failure
        (the message never holds the credentials)."""
        ...


class VersionStore(Protocol):
    """Where each project's site repository is kept. The repository a process works in is
    its local copy: readers refresh it first, the writer saves it after committing, so every
    process (an API, a worker, on machines of their own) sees one history."""

    def refresh(self, project_id: str, repo: Path) -> None:
        """Make ``repo`` hold the kept history when that changed since it was last refreshed
        (cheap when it did not)."""
        ...

    def save(self, project_id: str, repo: Path) -> None:
        """Keep ``repo``'s history as the project's; ``Conflict`` when the kept one moved
        since ``repo`` was refreshed (another writer), leaving it as it was."""
        ...

    def remove(self, project_id: str, repo: Path) -> None:
        """Delete the kept history and the local copy."""
        ...


@attrs.frozen
class SiteBundle:
    """What a deployment publishes: the Kirby site folder, its static export, and the version."""

    name: str  # the site's slug: service names and bucket prefixes derive from it
    title: str
    site: Path
    static: Path
    commit: str | None = None
    # The repository holding ``commit``, and where targets that deploy from git push it.
    repo: Path | None = None
    remote: GitRemote | None = None


@attrs.frozen
class DeployResult:
    url: str
    provider_ref: str | None = None


# Reports a deployment's progress: percent (0-100) and a message.
DeployProgress = Callable[[int, str], None]


class Deployer(Protocol):
    """Publishes a site to one target. Failures raise ``DeployFailed`` with a clear message."""

    target: str

    def deploy(
        self,
        deployment_id: str,
        bundle: SiteBundle,
        previous: Deployment | None,
        progress: DeployProgress,
    ) -> DeployResult:
        """Publish ``bundle``; ``previous`` is this site's last live deployment on this target
        (to update the same service rather than create another)."""
        ...

    def rollback(
        self, deployment_id: str, to: Deployment, progress: DeployProgress
    ) -> DeployResult:
        """Make the earlier deployment ``to`` live again."""
        ...

    def stop(self, deployment: Deployment) -> None:
        """Stop serving ``deployment`` where that means something (the local server)."""
        ...


class DeploymentRepository(Protocol):
    """Deployments and their progress events."""

    def add_deployment(self, deployment: Deployment) -> None: ...
    def get_deployment(self, deployment_id: str) -> Deployment | None: ...
    def update_deployment(self, deployment: Deployment) -> None: ...
    def list_deployments(self, project_id: str) -> list[Deployment]:
        """Newest first."""
        ...

    def append_deployment_event(self, event: ProgressEvent) -> ProgressEvent:
        """Store an event of the deployment named by ``event.run_id``, assigning its ``seq``."""
        ...

    def list_deployment_events(
        self, deployment_id: str, *, after_seq: int = 0
    ) -> list[ProgressEvent]: ...


class LanguageModel(Protocol):
    def structured(
        self,
        system: str,
        messages: Sequence[LlmMessage],
        tool: LlmTool,
        *,
        max_tokens: int | None = None,
        toolbox: Sequence[LlmTool] = (),
    ) -> LlmResult:
        """Ask the model to answer by calling ``tool``; returns the tool input it gave.

        ``system`` and ``toolbox`` (every tool a family of calls uses, ``tool`` among them,
        always in the same order) are stable across calls, so they are cached once and read
        from the cache afterwards; the data the model works on goes into ``messages``.
        Raises ``domain.llm.LlmError`` when the call fails for good and
        ``domain.errors.RunDeferred`` when the API asks for a wait longer than the worker
        should hold.
        """
        ...
