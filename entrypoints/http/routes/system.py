"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import logging

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
    """Each dependency by name with its latency; 503 + Retry-After when one is down."""
    states = await services(request).readiness.check()
    checks = {
        state.name: {
            "status": "ok" if state.ok else "down",
            "latency_ms": state.latency_ms,
            **({"error": state.error} if state.error else {}),
        }
        for state in states
    }
    down = [state.name for state in states if not state.ok]
    if down:
        for state in states:
            if not state.ok:
                logger.warning("readiness: %s is down: %s", state.name, state.error)
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
