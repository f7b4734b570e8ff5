"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import logging
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from entrypoints.http.context import services
from entrypoints.http.errors import error_response

logger = logging.getLogger("kirbygen.http")
READY_RETRY_AFTER_SECONDS = 5


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    svc = services(request)
    checks: dict[str, str] = {}

    def database() -> None:
        svc.repository.get_project("readiness-probe")

    def storage() -> None:
        svc.storage.exists(f"readiness/{uuid.uuid4().hex}")

    for name, probe in (("database", database), ("storage", storage)):
        try:
            await run_in_threadpool(probe)
            checks[name] = "ok"
        except Exception as exc:
            logger.warning("readiness: %s is down: %s", name, exc)
            checks[name] = "down"
    # The queue is reachable when its worker runs (in-process) or its broker answers.
    checks["queue"] = "ok" if getattr(request.app.state, "queue_running", False) else "down"
    down = sorted(name for name, state in checks.items() if state != "ok")
    if down:
        return error_response(
            503,
            "not_ready",
            f"not ready: {', '.join(down)} unreachable",
            details={"checks": checks},
            headers={"Retry-After": str(READY_RETRY_AFTER_SECONDS)},
        )
    return JSONResponse({"status": "ready", "checks": checks})


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/ready", ready, methods=["GET"]),
    Route("/api/openapi.json", openapi, methods=["GET"]),
]
