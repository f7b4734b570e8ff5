"""Generation runs, their stored events, and the outputs of the latest successful run."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.project import Role
from entrypoints.http.context import current_member, current_user, int_query, services
from entrypoints.http.downloads import download_response, wants_redirect
from entrypoints.http.views import event_view, run_view


async def start_run(request: Request) -> Response:
    user_id = await current_user(request)
    run = await services(request).runs.start(request.path_params["project_id"], user_id)
    return JSONResponse(run_view(run), status_code=202)


async def list_runs(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    runs = await run_in_threadpool(services(request).runs.list_runs, project_id, user_id)
    return JSONResponse({"items": [run_view(r) for r in runs]})


async def get_run(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    run = await run_in_threadpool(services(request).runs.get, p["project_id"], user_id, p["run_id"])
    return JSONResponse(run_view(run))


async def cancel_run(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    run = await services(request).runs.cancel(p["project_id"], user_id, p["run_id"])
    return JSONResponse(run_view(run), status_code=202)


async def retry_run(request: Request) -> Response:
    user_id = await current_user(request)
    p = request.path_params
    run = await services(request).runs.retry(p["project_id"], user_id, p["run_id"])
    return JSONResponse(run_view(run), status_code=202)


async def list_events(request: Request) -> Response:
    user_id, _ = await current_member(request, Role.VIEWER)
    p = request.path_params
    after = int_query(request, "after", 0, low=0, high=2**31 - 1)
    events = await run_in_threadpool(
        services(request).runs.events, p["project_id"], user_id, p["run_id"], after
    )
    return JSONResponse({"items": [event_view(e) for e in events]})


async def site_zip(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    download = await run_in_threadpool(
        partial(
            services(request).outputs.site_zip_download,
            project_id,
            user_id,
            redirect=wants_redirect(request),
        )
    )
    return download_response(download)


async def tokens_json(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    data = await run_in_threadpool(services(request).outputs.tokens, project_id, user_id)
    return Response(data, media_type="application/json")


async def report_json(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    data = await run_in_threadpool(services(request).outputs.report, project_id, user_id)
    return Response(data, media_type="application/json")


async def create_preview(request: Request) -> Response:
    user_id = await current_user(request)
    project_id = request.path_params["project_id"]
    link = await run_in_threadpool(services(request).outputs.preview_link, project_id, user_id)
    # The trailing slash matters: the export's relative links resolve against it.
    url = f"/api/projects/{project_id}/preview/{link.token}/"
    return JSONResponse({"url": url, "expires_in": link.expires_in})


async def preview_file(request: Request) -> Response:
    p = request.path_params
    found = await run_in_threadpool(
        services(request).outputs.preview_file, p["project_id"], p["token"], p["path"]
    )
    # Unlike the JSON API, the preview is a page meant to be framed by the web UI: styles and
    # images from itself, no scripts, framed only by this origin and the UI's origins.
    ancestors = " ".join(["'self'", *services(request).http.cors_origins])
    policy = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
    return Response(
        found.data,
        media_type=found.media_type,
        headers={
            "content-security-policy": policy,
            "x-frame-options": "SAMEORIGIN",
            "cache-control": "private, max-age=60",
        },
    )


_P = "/api/projects/{project_id:id}"
routes = [
    Route(f"{_P}/runs", start_run, methods=["POST"]),
    Route(f"{_P}/runs", list_runs, methods=["GET"]),
    Route(f"{_P}/runs/{{run_id:id}}", get_run, methods=["GET"]),
    Route(f"{_P}/runs/{{run_id:id}}/cancel", cancel_run, methods=["POST"]),
    Route(f"{_P}/runs/{{run_id:id}}/retry", retry_run, methods=["POST"]),
    Route(f"{_P}/runs/{{run_id:id}}/events", list_events, methods=["GET"]),
    Route(f"{_P}/site.zip", site_zip, methods=["GET"]),
    Route(f"{_P}/tokens.json", tokens_json, methods=["GET"]),
    Route(f"{_P}/report.json", report_json, methods=["GET"]),
    Route(f"{_P}/preview", create_preview, methods=["POST"]),
    Route(f"{_P}/preview/{{token}}/{{path:path}}", preview_file, methods=["GET"]),
]
