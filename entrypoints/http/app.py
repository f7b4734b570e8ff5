"""The Starlette application factory: routes, middleware, error handlers, the worker's life."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from application.recovery import RunRecovery
from config.container import Container, runs_in_process
from config.settings import AppEnv
from entrypoints.http.context import Services
from entrypoints.http.errors import exception_handlers
from entrypoints.http.middleware import (
    JsonCorsMiddleware,
    RateLimitMiddleware,
    RequestContextMiddleware,
)
from entrypoints.http.openapi import openapi_document
from entrypoints.http.routes import (
    auth,
    deployments,
    events,
    projects,
    runs,
    schema,
    system,
    uploads,
)
from entrypoints.http.web import web_routes

# Probes are not rate limited: a platform's health checker must never see a 429.
UNLIMITED_PATHS = ("/api/health", "/api/ready")


class KirbyGenApp(Starlette):
    """Starlette with our request-context layer outside everything, even the 500 handler,
    so that every response — an unhandled error's too — carries X-Request-ID."""

    def __init__(self, *args: Any, hsts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hsts = hsts

    def build_middleware_stack(self) -> ASGIApp:
        return RequestContextMiddleware(super().build_middleware_stack(), hsts=self._hsts)


def all_routes() -> list[Any]:
    return [
        *system.routes,
        *auth.routes,
        *projects.routes,
        *uploads.routes,
        *schema.routes,
        *runs.routes,
        *events.routes,
        *deployments.routes,
    ]


def build_services(container: Container) -> Services:
    settings = container.settings()
    return Services(
        accounts=container.accounts(),
        projects=container.projects(),
        uploads=container.uploads(),
        schemas=container.schemas(),
        conversation=container.conversation(),
        runs=container.runs(),
        outputs=container.outputs(),
        events=container.run_events(),
        readiness=container.readiness(),
        upload_limits=container.upload_limits(),
        http=settings.http,
        versions=container.versions(),
        deployments=container.deployments(),
    )


logger = logging.getLogger(__name__)


async def _watch_for_lost_runs(recovery: RunRecovery, interval: float) -> None:
    """Look for orphaned runs every ``interval`` seconds; a run is resumed once it was an
    orphan at two looks in a row (never one between being recorded and being enqueued)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await recovery.recover(confirm=True)
        except Exception:  # the next look may find the database back
            logger.exception("looking for lost runs failed")


def create_app(container: Container, *, run_worker: bool | None = None) -> KirbyGenApp:
    """The API on the container's adapters; with ``run_worker`` the in-process job worker
    runs for the app's lifetime (``kirbygen serve``). By default it does unless ``QUEUE_URL``
    names a SAQ queue: then `kirbygen worker` processes do the work and the API only
    enqueues."""
    settings = container.settings()
    if run_worker is None:
        run_worker = runs_in_process(settings)
    http = settings.http
    services = build_services(container)  # fails early, e.g. on missing production secrets
    queue = container.job_queue()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watch: asyncio.Task[None] | None = None
        if run_worker:
            await queue.start(container.job_handler())
            # Jobs of the in-process queue died with the process that ran them: their runs
            # resume here (from their last finished phase).
            recovery = container.run_recovery()
            await recovery.recover()
            # A dead process's lease may outlive a quick restart: later looks find its run.
            interval = float(settings.worker.heartbeat_seconds)
            watch = asyncio.create_task(_watch_for_lost_runs(recovery, interval))
        try:
            yield
        finally:
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
            await queue.stop()  # also lets go of a SAQ queue's connections
            # uvicorn raises SIGTERM again once it has shut down, so the command's own
            # clean-up never runs under a signal: the local deployments' servers stop here.
            container.local_deployer.shutdown()

    middleware: list[Middleware] = []
    if http.cors_origins:
        middleware.append(
            Middleware(
                JsonCorsMiddleware,
                allow_origins=list(http.cors_origins),
                allow_credentials=True,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID", "Retry-After"],
                max_age=600,
            )
        )
    middleware.append(
        Middleware(
            RateLimitMiddleware,
            limiter=container.rate_limiter(),
            window_ms=http.rate_limit_window_ms,
            max_requests=http.rate_limit_max_requests,
            auth_max_requests=http.rate_limit_login_max_requests,
            auth_paths=auth.AUTH_PATHS,
            exempt_paths=UNLIMITED_PATHS,
            shared=container.redis_mode() == "redis",
        )
    )
    app = KirbyGenApp(
        # The web app's files sit beside the API (not part of its OpenAPI document).
        routes=[*all_routes(), *web_routes()],
        middleware=middleware,
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
        hsts=settings.app_env is AppEnv.PRODUCTION,
    )
    app.state.services = services
    app.state.container = container  # for tests and tools; routes use the services only
    app.state.openapi = openapi_document(container.version())
    return app
