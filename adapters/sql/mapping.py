"""Conversions between table rows and domain objects.

JSON columns always receive freshly built values: SQLAlchemy does not notice in-place changes
to a JSON value, so updates assign new lists and dicts instead of mutating loaded ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
from attrs import AttrsInstance
from sqlalchemy import Row

from adapters.sql.tables import (
    MembershipRow,
    ProgressEventRow,
    ProjectRow,
    RunRow,
    UploadRow,
    UserRow,
)
from domain.project import (
    EventStatus,
    Membership,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
    Role,
    Run,
    RunFailure,
    RunStatus,
    TokenUsage,
    Upload,
    UploadKind,
    User,
    failed_at,
)


def require_aware(obj: AttrsInstance) -> None:
    """Refuse naive datetimes before they reach the database, where the error would be wrapped
    in a driver exception."""
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if isinstance(value, datetime) and value.utcoffset() is None:
            raise ValueError(
                f"naive datetime in {type(obj).__name__}.{field.name}: use timezone-aware values"
            )


def email_key(email: str) -> str:
    return email.strip().lower()


# --- projects ---------------------------------------------------------------------------------


def project_values(project: Project) -> dict[str, Any]:
    require_aware(project)
    return {
        "name": project.name,
        "owner_id": project.owner_id,
        "status": project.status.value,
        "created": project.created,
        "updated": project.updated,
        "brand_colors": list(project.brand_colors),
        "font": project.font,
    }


def project_row(project: Project) -> ProjectRow:
    return ProjectRow(id=project.id, **project_values(project))


def project_from_row(row: ProjectRow | Row[Any]) -> Project:
    """From an ORM row, or a Core row holding the projects table's columns."""
    return Project(
        id=row.id,
        name=row.name,
        owner_id=row.owner_id,
        status=ProjectStatus(row.status),
        created=row.created,
        updated=row.updated,
        brand_colors=tuple(row.brand_colors),
        font=row.font,
    )


# --- runs -------------------------------------------------------------------------------------


def run_values(run: Run) -> dict[str, Any]:
    require_aware(run)
    failure = run.failure
    return {
        "project_id": run.project_id,
        "status": run.status.value,
        "created": run.created,
        "started": run.started,
        "finished": run.finished,
        "completed_phases": [phase.value for phase in run.completed_phases],
        "failure": None
        if failure is None
        else {"phase": failure.phase.value, "code": failure.code, "message": failure.message},
        "usage": attrs.asdict(run.usage),
        "commit_id": run.commit_id,
        "deployment_id": run.deployment_id,
    }


def run_row(run: Run) -> RunRow:
    return RunRow(id=run.id, **run_values(run))


def run_from_row(row: RunRow) -> Run:
    failure = row.failure
    return Run(
        id=row.id,
        project_id=row.project_id,
        status=RunStatus(row.status),
        created=row.created,
        started=row.started,
        finished=row.finished,
        completed_phases=tuple(Phase(value) for value in row.completed_phases),
        failure=None
        if failure is None
        else RunFailure(
            phase=failed_at(failure["phase"]), code=failure["code"], message=failure["message"]
        ),
        usage=_usage(row.usage),
        commit_id=row.commit_id,
        deployment_id=row.deployment_id,
    )


def _usage(stored: dict[str, Any]) -> TokenUsage:
    """Usage as stored; keys an older row lacks keep their zero default."""
    known = {f.name: f for f in attrs.fields(TokenUsage)}
    values: dict[str, Any] = {}
    for name, value in stored.items():
        if name in known:
            values[name] = float(value) if name == "cost_usd" else int(value)
    return TokenUsage(**values)


# --- progress events --------------------------------------------------------------------------


def event_row(event: ProgressEvent, seq: int) -> ProgressEventRow:
    require_aware(event)
    return ProgressEventRow(
        run_id=event.run_id,
        seq=seq,
        phase=event.phase.value,
        status=event.status.value,
        percent=event.percent,
        message=event.message,
        ts=event.ts,
    )


def event_from_row(row: ProgressEventRow) -> ProgressEvent:
    return ProgressEvent(
        run_id=row.run_id,
        phase=Phase(row.phase),
        status=EventStatus(row.status),
        percent=row.percent,
        message=row.message,
        ts=row.ts,
        seq=row.seq,
    )


# --- uploads ----------------------------------------------------------------------------------


def upload_row(upload: Upload) -> UploadRow:
    require_aware(upload)
    return UploadRow(
        id=upload.id,
        project_id=upload.project_id,
        kind=upload.kind.value,
        original_name=upload.original_name,
        stored_key=upload.stored_key,
        media_type=upload.media_type,
        size=upload.size,
        sha256=upload.sha256,
        created=upload.created,
    )


def upload_from_row(row: UploadRow) -> Upload:
    return Upload(
        id=row.id,
        project_id=row.project_id,
        kind=UploadKind(row.kind),
        original_name=row.original_name,
        stored_key=row.stored_key,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        created=row.created,
    )


# --- users and memberships --------------------------------------------------------------------


def user_row(user: User) -> UserRow:
    return UserRow(
        id=user.id,
        email=user.email,
        email_key=email_key(user.email),
        password_hash=user.password_hash,
        role=user.role,
        token_version=user.token_version,
    )


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=row.role,
        token_version=row.token_version,
    )


def membership_from_row(row: MembershipRow) -> Membership:
    return Membership(project_id=row.project_id, user_id=row.user_id, role=Role(row.role))
