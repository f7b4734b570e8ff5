"""Projects, uploads, runs, progress events, deployments, users and conversations."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    MAPPING = "mapping"
    READY = "ready"
    GENERATING = "generating"
    GENERATED = "generated"
    DEPLOYING = "deploying"
    DEPLOYED = "deployed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Phase(enum.StrEnum):
    """Pipeline phases in the order they run (SPEC §2)."""

    INGEST = "ingest"
    MAPPING = "mapping"
    STRUCTURING = "structuring"
    DESIGN = "design"
    SITE = "site"
    VERSIONING = "versioning"
    DEPLOYMENT = "deployment"


class RunStep(enum.StrEnum):
    """A run's work outside its phases: before the first (reading its inputs, preparing) and
    after the last (recording the outcome)."""

    SETUP = "setup"
    FINISH = "finish"


# Where a run failed: in one of its phases, or before or after them.
FailedAt = Phase | RunStep


def failed_at(value: str) -> FailedAt:
    """The phase or step named ``value``."""
    try:
        return Phase(value)
    except ValueError:
        return RunStep(value)


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


# A run in one of these states holds its project: no second run, schema change or deletion.
ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class EventStatus(enum.StrEnum):
    STARTED = "started"
    PROGRESS = "progress"
    COMPLETED = "completed"
    FAILED = "failed"


class UploadKind(enum.StrEnum):
    CONTENT = "content"
    BRANDING = "branding"
    MOODBOARD = "moodboard"


class Role(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


@attrs.frozen
class Upload:
    id: str
    project_id: str
    kind: UploadKind
    original_name: str
    stored_key: str
    media_type: str
    size: int
    sha256: str
    created: datetime


@attrs.frozen
class Project:
    id: str
    name: str
    owner_id: str
    status: ProjectStatus
    created: datetime
    updated: datetime
    brand_colors: tuple[str, ...] = ()
    font: str | None = None


@attrs.frozen
class RunFailure:
    """Why a run failed: a machine-readable code, a message for a person, and where."""

    phase: FailedAt
    code: str
    message: str


@attrs.frozen
class TokenUsage:
    """Language-model use: tokens by kind, calls, retries, time and estimated cost.

    ``input_tokens`` counts uncached input only (as the API reports it); the cache fields
    count what was read from and written to the prompt cache.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    calls: int = 0
    retries: int = 0
    latency_ms: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_input_tokens=self.cache_read_input_tokens + other.cache_read_input_tokens,
            cache_creation_input_tokens=(
                self.cache_creation_input_tokens + other.cache_creation_input_tokens
            ),
            calls=self.calls + other.calls,
            retries=self.retries + other.retries,
            latency_ms=self.latency_ms + other.latency_ms,
            cost_usd=round(self.cost_usd + other.cost_usd, 6),
        )


@attrs.frozen
class Run:
    id: str
    project_id: str
    status: RunStatus
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    completed_phases: tuple[Phase, ...] = ()
    failure: RunFailure | None = None
    usage: TokenUsage = TokenUsage()
    commit_id: str | None = None
    deployment_id: str | None = None


@attrs.frozen
class ProgressEvent:
    run_id: str
    phase: Phase
    status: EventStatus
    percent: int
    message: str
    ts: datetime
    seq: int = 0


class DeployTarget(enum.StrEnum):
    LOCAL = "local"
    RENDER = "render"
    S3 = "s3"


class DeploymentStatus(enum.StrEnum):
    QUEUED = "queued"
    DEPLOYING = "deploying"
    LIVE = "live"
    FAILED = "failed"
    # A local deployment whose server was stopped, or one replaced by a rollback.
    STOPPED = "stopped"


# A deployment in one of these states is still on its way; a second one waits (409).
ACTIVE_DEPLOYMENT_STATUSES = (DeploymentStatus.QUEUED, DeploymentStatus.DEPLOYING)


@attrs.frozen
class Deployment:
    id: str
    project_id: str
    target: str
    url: str
    status: str
    created: datetime
    commit: str | None = None
    finished: datetime | None = None
    error: str | None = None
    # The provider's own handle (Render: "<service id>/<deploy id>"), for redeploys and rollback.
    provider_ref: str | None = None
    # The earlier deployment this one rolls back to.
    rollback_of: str | None = None


@attrs.frozen
class User:
    id: str
    email: str
    password_hash: str
    role: str = "user"
    # Raised by logout-everywhere: access and refresh tokens carry the version they were
    # issued under and stop working once it changes.
    token_version: int = 0


@attrs.frozen
class Membership:
    project_id: str
    user_id: str
    role: Role


@attrs.frozen
class Turn:
    role: str
    text: str
    tokens: int = 0


@attrs.frozen
class Conversation:
    project_id: str
    turns: tuple[Turn, ...] = ()
    approved: bool = False
