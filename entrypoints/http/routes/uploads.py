"""Uploads: several files per multipart request, streamed under the named limits."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from application.uploads import UploadBatch
from domain.errors import InvalidInput
from domain.project import UploadKind
from domain.refusals import LimitExceeded
from entrypoints.http.context import body_chunks, current_user, services
from entrypoints.http.downloads import download_response, wants_redirect
from entrypoints.http.multipart import receive_files
from entrypoints.http.views import upload_view

# Multipart framing around the files (boundaries, part headers) on top of the byte limit.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


async def create_uploads(request: Request) -> Response:
    user_id = await current_user(request)
    svc = services(request)
    project_id = request.path_params["project_id"]
    # Who may upload is settled before a single byte of the body is read.
    await run_in_threadpool(svc.uploads.require_upload_access, project_id, user_id)
    raw_kind = request.query_params.get("kind", UploadKind.CONTENT.value)
    try:
        kind = UploadKind(raw_kind)
    except ValueError:
        known = ", ".join(k.value for k in UploadKind)
        raise InvalidInput(f"'kind' must be one of {known}", code="invalid_query") from None
    limits = svc.upload_limits
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_request_bytes + MULTIPART_OVERHEAD_BYTES:
        raise LimitExceeded(
            f"this request's body ({declared} bytes) is larger than {limits.max_request_bytes}",
            limit="KIRBYGEN_MAX_REQUEST_BYTES",
            value=limits.max_request_bytes,
            code="request_too_large",
        )
    batch = UploadBatch(limits)
    try:
        chunks = body_chunks(request, total_seconds=svc.http.upload_timeout_seconds)
        await receive_files(request.headers.get("content-type", ""), chunks, batch)
    except BaseException:
        batch.discard()
        raise
    uploads = await run_in_threadpool(svc.uploads.commit, project_id, user_id, batch, kind)
    return JSONResponse({"items": [upload_view(u) for u in uploads]}, status_code=201)


async def list_uploads(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    uploads = await run_in_threadpool(services(request).uploads.list_uploads, project_id, user_id)
    return JSONResponse({"items": [upload_view(u) for u in uploads]})


async def get_upload(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    upload = await run_in_threadpool(
        services(request).uploads.get, p["project_id"], user_id, p["upload_id"]
    )
    return JSONResponse(upload_view(upload))


async def download_upload(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    _, download = await run_in_threadpool(
        partial(
            services(request).uploads.download,
            p["project_id"],
            user_id,
            p["upload_id"],
            redirect=wants_redirect(request),
        )
    )
    return download_response(download)


async def delete_upload(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    await run_in_threadpool(
        services(request).uploads.delete, p["project_id"], user_id, p["upload_id"]
    )
    return Response(status_code=204)


_U = "/api/projects/{project_id:id}/uploads"
routes = [
    Route(_U, create_uploads, methods=["POST"]),
    Route(_U, list_uploads, methods=["GET"]),
    Route(f"{_U}/{{upload_id:id}}", get_upload, methods=["GET"]),
    Route(f"{_U}/{{upload_id:id}}", delete_upload, methods=["DELETE"]),
    Route(f"{_U}/{{upload_id:id}}/content", download_upload, methods=["GET"]),
]
