"""Domain objects as the JSON the API answers with (documented in openapi_schemas.py)."""

from __future__ import annotations

from typing import Any

from application.conversation import ConversationView
from application.schemas import SchemaView
from domain.issues import Issue
from domain.project import Deployment, Membership, ProgressEvent, Project, Run, Upload, User
from domain.serialization import to_data
from domain.versions import CommitInfo, VersionDiff


def user_view(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email}


def project_view(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "owner_id": project.owner_id,
        "status": project.status.value,
        "created": project.created.isoformat(),
        "updated": project.updated.isoformat(),
        "brand_colors": list(project.brand_colors),
        "font": project.font,
    }


def member_view(membership: Membership, email: str) -> dict[str, Any]:
    return {"user_id": membership.user_id, "email": email, "role": membership.role.value}


def upload_view(upload: Upload) -> dict[str, Any]:
    return {
        "id": upload.id,
        "project_id": upload.project_id,
        "kind": upload.kind.value,
        "name": upload.original_name,
        "media_type": upload.media_type,
        "size": upload.size,
        "sha256": upload.sha256,
        "created": upload.created.isoformat(),
    }


def run_view(run: Run) -> dict[str, Any]:
    failure = run.failure
    return {
        "id": run.id,
        "project_id": run.project_id,
        "status": run.status.value,
        "created": run.created.isoformat(),
        "started": run.started.isoformat() if run.started else None,
        "finished": run.finished.isoformat() if run.finished else None,
        "completed_phases": [p.value for p in run.completed_phases],
        "commit_id": run.commit_id,
        "deployment_id": run.deployment_id,
        "failure": None
        if failure is None
        else {"phase": failure.phase.value, "code": failure.code, "message": failure.message},
        "usage": to_data(run.usage),
    }


def event_view(event: ProgressEvent) -> dict[str, Any]:
    return {
        "run_id": event.run_id,
        "seq": event.seq,
        "phase": event.phase.value,
        "status": event.status.value,
        "percent": event.percent,
        "message": event.message,
        "ts": event.ts.isoformat(),
    }


def schema_view(view: SchemaView) -> dict[str, Any]:
    return {"schema": to_data(view.schema), "approved": view.approved}


def issues_view(issues: list[Issue]) -> dict[str, Any]:
    errors = [i for i in issues if i.severity.value == "error"]
    return {"valid": not errors, "issues": to_data(issues)}


def conversation_view(view: ConversationView) -> dict[str, Any]:
    return {
        "project_id": view.conversation.project_id,
        "turns": [
            {"role": t.role, "text": t.text, "tokens": t.tokens} for t in view.conversation.turns
        ],
        "approved": view.approved,
        "question": view.question,
        "reply": view.reply,
        "schema": to_data(view.schema),
    }


def commit_view(commit: CommitInfo) -> dict[str, Any]:
    return {
        "commit": commit.id,
        "run_id": commit.run_id,
        "subject": commit.subject,
        "message": commit.message,
        "author": commit.author,
        "created": commit.created.isoformat(),
    }


def diff_view(diff: VersionDiff) -> dict[str, Any]:
    return {
        "from": diff.old,
        "to": diff.new,
        "files": [{"path": f.path, "change": f.kind.value} for f in diff.files],
        "patch": diff.patch,
        "truncated": diff.truncated,
    }


def deployment_view(deployment: Deployment) -> dict[str, Any]:
    return {
        "id": deployment.id,
        "project_id": deployment.project_id,
        "target": deployment.target,
        "url": deployment.url or None,
        "status": deployment.status,
        "commit": deployment.commit,
        "created": deployment.created.isoformat(),
        "finished": deployment.finished.isoformat() if deployment.finished else None,
        "error": deployment.error,
        "rollback_of": deployment.rollback_of,
    }


def deployment_event_view(event: ProgressEvent) -> dict[str, Any]:
    view = event_view(event)
    return {"deployment_id": view.pop("run_id"), **view}
