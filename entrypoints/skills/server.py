"""`kirbygen skills-api` under uvicorn: one process, skills run in its thread pool."""

from __future__ import annotations

import logging

import uvicorn

from config.container import Container
from config.settings import Settings
from entrypoints.http.protocol import protocol_with
from entrypoints.logging_setup import configure_logging
from entrypoints.skills.app import create_skills_app

logger = logging.getLogger("kirbygen.skills")
# The request line and headers together, as for the API (uvicorn answers 400 past it).
MAX_HEADER_BYTES = 16 * 1024


def serve_skills(container: Container, settings: Settings, *, host: str, port: int) -> None:
    configure_logging(settings, service=True)
    # The plugins are collected now: a broken plugin stops the start, not the first call.
    registry = container.plugin_skills()
    app = create_skills_app(registry, settings)
    winners = ", ".join(f"{s.slot}={s.winner}" for s in registry.describe())
    logger.info("Kirby-Gen skills service on http://%s:%s (%s)", host, port, winners)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        workers=1,
        lifespan="off",
        log_config=None,
        access_log=False,  # the request log below carries the request id
        http=protocol_with(settings.http.header_timeout_seconds),
        timeout_keep_alive=settings.http.keep_alive_seconds,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )
    uvicorn.Server(config).run()
