"""Versions of a project's site (its git history) and deployments of it."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import InvalidInput
from domain.project import Role
from entrypoints.http.context import current_member, current_user, int_query, json_body, services
from entrypoints.http.views import commit_view, deployment_event_view, deployment_view, diff_view


async def list_versions(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    commits = await run_in_threadpool(services(request).versions.history, project_id, user_id)
    return JSONResponse({"items": [commit_view(c) for c in commits]})


async def diff_versions(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    diff = await run_in_threadpool(
        services(request).versions.diff, p["project_id"], user_id, p["range"]
    )
    return JSONResponse(diff_view(diff))


def _optional_text(body: dict[str, object], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"'{name}' must be a non-empty string")
    return value.strip()


async def start_deployment(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.EDITOR)
    body = await json_body(request)
    deployment = await services(request).deployments.start(
        request.path_params["project_id"],
        user_id,
        target=_optional_text(body, "target"),
        rollback_of=_optional_text(body, "rollback_of"),
    )
    return JSONResponse(deployment_view(deployment), status_code=202)


async def list_deployments(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    found = await run_in_threadpool(
        services(request).deployments.list_deployments, project_id, user_id
    )
    return JSONResponse({"items": [deployment_view(d) for d in found]})


async def get_deployment(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    found = await run_in_threadpool(
        services(request).deployments.get, p["project_id"], user_id, p["deployment_id"]
    )
    return JSONResponse(deployment_view(found))


async def stop_deployment(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    stopped = await run_in_threadpool(
        services(request).deployments.stop, p["project_id"], user_id, p["deployment_id"]
    )
    return JSONResponse(deployment_view(stopped))


async def deployment_events(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.VIEWER)
    p = request.path_params
    after = int_query(request, "after", 0, low=0, high=2**31 - 1)
    events = await run_in_threadpool(
        services(request).deployments.events, p["project_id"], user_id, p["deployment_id"], after
    )
    return JSONResponse({"items": [deployment_event_view(e) for e in events]})


_P = "/api/projects/{project_id}"
routes = [
    Route(f"{_P}/versions", list_versions, methods=["GET"]),
    Route(f"{_P}/versions/{{range}}", diff_versions, methods=["GET"]),
    Route(f"{_P}/deployments", start_deployment, methods=["POST"]),
    Route(f"{_P}/deployments", list_deployments, methods=["GET"]),
    Route(f"{_P}/deployments/{{deployment_id}}", get_deployment, methods=["GET"]),
    Route(f"{_P}/deployments/{{deployment_id}}", stop_deployment, methods=["DELETE"]),
    Route(f"{_P}/deployments/{{deployment_id}}/events", deployment_events, methods=["GET"]),
]
