"""Projects and their members."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from application.projects import UNSET, ProjectChanges
from domain.errors import InvalidInput
from domain.project import ProjectStatus, Role
from entrypoints.http.context import (
    current_member,
    current_user,
    int_query,
    json_body,
    services,
    string_field,
)
from entrypoints.http.views import member_view, project_view

DEFAULT_PAGE_SIZE = 20


def _colours(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("brand_colors")
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise InvalidInput("'brand_colors' must be a list of hex colours", code="invalid_field")
    return tuple(value)


def _font(body: dict[str, Any]) -> str | None:
    value = body.get("font")
    if value is not None and not isinstance(value, str):
        raise InvalidInput("'font' must be a string or null", code="invalid_field")
    return value


async def create_project(request: Request) -> Response:
    user_id = await current_user(request)
    body = await json_body(request)
    name = string_field(body, "name")
    assert name is not None
    colours = _colours(body) if "brand_colors" in body else ()
    font = _font(body)
    project = await run_in_threadpool(
        services(request).projects.create, user_id, name, colours, font
    )
    return JSONResponse(project_view(project), status_code=201)


async def list_projects(request: Request) -> Response:
    user_id = await current_user(request)
    svc = services(request)
    offset = int_query(request, "offset", 0, low=0, high=1_000_000)
    limit = int_query(request, "limit", DEFAULT_PAGE_SIZE, low=1, high=svc.http.max_page_size)
    raw_status = request.query_params.get("status")
    try:
        status = ProjectStatus(raw_status) if raw_status is not None else None
    except ValueError:
        known = ", ".join(s.value for s in ProjectStatus)
        raise InvalidInput(f"'status' must be one of {known}", code="invalid_query") from None
    page = await run_in_threadpool(
        svc.projects.browse, user_id, status=status, offset=offset, limit=limit
    )
    return JSONResponse(
        {
            "items": [project_view(p) for p in page.items],
            "total": page.total,
            "offset": offset,
            "limit": limit,
        }
    )


async def get_project(request: Request) -> Response:
    _, project = await current_member(request, Role.VIEWER)
    return JSONResponse(project_view(project))


async def update_project(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.EDITOR)
    body = await json_body(request)
    changes = ProjectChanges(
        name=string_field(body, "name") or "" if "name" in body else UNSET,
        brand_colors=_colours(body) if "brand_colors" in body else UNSET,
        font=_font(body) if "font" in body else UNSET,
    )
    project_id = request.path_params["project_id"]
    project = await run_in_threadpool(
        services(request).projects.update, project_id, user_id, changes
    )
    return JSONResponse(project_view(project))


async def delete_project(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    await run_in_threadpool(services(request).projects.delete, project_id, user_id)
    return Response(status_code=204)


async def list_members(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    members = await run_in_threadpool(services(request).projects.members, project_id, user_id)
    return JSONResponse({"items": [member_view(m, email) for m, email in members]})


async def set_member(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.OWNER)
    body = await json_body(request)
    email = string_field(body, "email")
    raw_role = string_field(body, "role")
    assert email is not None and raw_role is not None
    if raw_role not in (Role.EDITOR.value, Role.VIEWER.value):
        raise InvalidInput("'role' must be 'editor' or 'viewer'", code="invalid_field")
    project_id = request.path_params["project_id"]
    membership = await run_in_threadpool(
        services(request).projects.set_member, project_id, user_id, email, Role(raw_role)
    )
    return JSONResponse(member_view(membership, email.strip()))


async def remove_member(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    await run_in_threadpool(
        services(request).projects.remove_member, p["project_id"], user_id, p["user_id"]
    )
    return Response(status_code=204)


routes = [
    Route("/api/projects", create_project, methods=["POST"]),
    Route("/api/projects", list_projects, methods=["GET"]),
    Route("/api/projects/{project_id:id}", get_project, methods=["GET"]),
    Route("/api/projects/{project_id:id}", update_project, methods=["PATCH"]),
    Route("/api/projects/{project_id:id}", delete_project, methods=["DELETE"]),
    Route("/api/projects/{project_id:id}/members", list_members, methods=["GET"]),
    Route("/api/projects/{project_id:id}/members", set_member, methods=["PUT"]),
    Route("/api/projects/{project_id:id}/members/{user_id:id}", remove_member, methods=["DELETE"]),
]
