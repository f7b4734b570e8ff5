"""The conversation (guided questionnaire) and the project's content schema."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import InvalidInput
from domain.project import Role
from domain.schema import ContentSchema
from domain.serialization import from_data
from entrypoints.http.context import (
    current_member,
    current_user,
    json_body,
    services,
    string_field,
)
from entrypoints.http.views import conversation_view, issues_view, schema_view


def parse_schema(data: Any) -> ContentSchema:
    try:
        return from_data(data, ContentSchema)
    except Exception as exc:  # cattrs reports shape errors with several exception types
        raise InvalidInput(
            f"the body is not a content schema: {_first_line(exc)}", code="invalid_schema"
        ) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


async def start_conversation(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.EDITOR)
    body = await json_body(request)
    restart = body.get("restart", False)
    if not isinstance(restart, bool):
        raise InvalidInput("'restart' must be true or false", code="invalid_field")
    project_id = request.path_params["project_id"]
    view = await run_in_threadpool(
        lambda: services(request).conversation.start(project_id, user_id, restart=restart)
    )
    return JSONResponse(conversation_view(view))


async def post_message(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.EDITOR)
    body = await json_body(request)
    text = string_field(body, "text")
    assert text is not None
    project_id = request.path_params["project_id"]
    view = await run_in_threadpool(
        services(request).conversation.message, project_id, user_id, text
    )
    return JSONResponse(conversation_view(view))


async def get_conversation(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    view = await run_in_threadpool(services(request).conversation.get, project_id, user_id)
    return JSONResponse(conversation_view(view))


async def get_schema(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    view = await run_in_threadpool(services(request).schemas.get, project_id, user_id)
    return JSONResponse(schema_view(view))


async def put_schema(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.EDITOR)
    schema = parse_schema(await json_body(request))
    project_id = request.path_params["project_id"]
    view = await run_in_threadpool(services(request).schemas.put, project_id, user_id, schema)
    return JSONResponse(schema_view(view))


async def validate_schema(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.VIEWER)
    body = await json_body(request)
    schema = parse_schema(body) if body else None
    project_id = request.path_params["project_id"]
    issues = await run_in_threadpool(
        services(request).schemas.validate, project_id, user_id, schema
    )
    return JSONResponse(issues_view(issues))


async def approve_schema(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    view = await run_in_threadpool(services(request).schemas.approve, project_id, user_id)
    return JSONResponse(schema_view(view))


_P = "/api/projects/{project_id:id}"
routes = [
    Route(f"{_P}/conversation", start_conversation, methods=["POST"]),
    Route(f"{_P}/conversation", get_conversation, methods=["GET"]),
    Route(f"{_P}/conversation/messages", post_message, methods=["POST"]),
    Route(f"{_P}/schema", get_schema, methods=["GET"]),
    Route(f"{_P}/schema", put_schema, methods=["PUT"]),
    Route(f"{_P}/schema/validate", validate_schema, methods=["POST"]),
    Route(f"{_P}/schema/approve", approve_schema, methods=["POST"]),
]
