"""What a request handler needs: the services, the caller, and a bounded JSON body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request

from application.accounts import AccountService
from application.conversation import ConversationService
from application.deployments import DeploymentService
from application.outputs import OutputService
from application.projects import ProjectService
from application.readiness import Readiness
from application.run_events import RunEvents
from application.runs import RunService
from application.schemas import SchemaService
from application.uploads import UploadLimits, UploadService
from application.versions import VersionService
from config.settings import HttpSettings
from domain.errors import InvalidInput
from domain.project import Project, Role
from domain.refusals import LimitExceeded, Unauthenticated
from entrypoints.http.body import parse_json, timed_chunks

REFRESH_COOKIE = "kirbygen_refresh"
_LOG_IN = "log in and send the access token as 'Authorization: Bearer …'"


@attrs.frozen
class Services:
    """The application services the routes call, built once from the container."""

    accounts: AccountService
    projects: ProjectService
    uploads: UploadService
    schemas: SchemaService
    conversation: ConversationService
    runs: RunService
    outputs: OutputService
    events: RunEvents
    readiness: Readiness
    upload_limits: UploadLimits
    http: HttpSettings
    versions: VersionService
    deployments: DeploymentService


def services(conn: HTTPConnection) -> Services:
    found: Services = conn.app.state.services
    return found


def bearer_token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def current_user(request: Request) -> str:
    """The calling live user's id from ``Authorization: Bearer <access token>``; else 401."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated(_LOG_IN)
    user_id: str = await run_in_threadpool(services(request).accounts.authenticate, token)
    return user_id


async def current_member(request: Request, role: Role) -> tuple[str, Project]:
    """The calling live user and the path's project, when they hold at least ``role`` in it:
    token, user and membership checked in one read (401, then 404 for a non-member, then 403).
    Membership first: a non-member gets 404 whatever else is wrong with the request."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated(_LOG_IN)
    project_id = request.path_params["project_id"]
    caller: tuple[str, Project] = await run_in_threadpool(
        services(request).accounts.authorize, token, project_id, role
    )
    return caller


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read within KIRBYGEN_MAX_JSON_BYTES, the body timeout and
    KIRBYGEN_MAX_JSON_DEPTH."""
    http = services(request).http
    limit = http.max_json_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in body_chunks(request, total_seconds=http.body_timeout_seconds):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return {}
    data = parse_json(raw, max_depth=http.max_json_depth)
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", code="invalid_json")
    return data


def body_chunks(request: Request, *, total_seconds: int) -> AsyncIterator[bytes]:
    """The body's chunks, each within KIRBYGEN_BODY_TIMEOUT_SECONDS of the last."""
    http = services(request).http
    total_limit = (
        "KIRBYGEN_BODY_TIMEOUT_SECONDS"
        if total_seconds == http.body_timeout_seconds
        else "KIRBYGEN_UPLOAD_TIMEOUT_SECONDS"
    )
    return timed_chunks(
        request.stream(),
        idle_seconds=http.body_timeout_seconds,
        total_seconds=total_seconds,
        idle_limit="KIRBYGEN_BODY_TIMEOUT_SECONDS",
        total_limit=total_limit,
    )


def _too_large(limit: int) -> LimitExceeded:
    return LimitExceeded(
        f"the JSON body is larger than {limit} bytes",
        limit="KIRBYGEN_MAX_JSON_BYTES",
        value=limit,
        code="body_too_large",
    )


def string_field(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string", code="invalid_field")
    return value


def int_query(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    # ASCII digits only and short: int() also takes full-width digits, " 5 " and "1_0".
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise InvalidInput(f"'{name}' must be a whole number", code="invalid_query")
    value = int(raw)
    if not low <= value <= high:
        raise InvalidInput(f"'{name}' must be between {low} and {high}", code="invalid_query")
    return value
