"""`kirbygen serve`: the API and the in-process worker under uvicorn, on one port."""

from __future__ import annotations

import logging

import uvicorn

from config.container import Container
from config.settings import Settings
from entrypoints.http.app import create_app
from entrypoints.http.protocol import protocol_with
from entrypoints.logging_setup import configure_logging

logger = logging.getLogger("kirbygen")
# The request line and headers together (uvicorn answers 400 past it).
MAX_HEADER_BYTES = 16 * 1024


def serve(container: Container, settings: Settings, *, host: str, port: int) -> None:
    configure_logging(settings, service=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Embedded defaults need no separate migration step; on Render it also runs before start.
    container.migrate_database()
    app = create_app(container)
    logger.info("Kirby-Gen API on http://%s:%s (data in %s)", host, port, settings.data_dir)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        workers=1,  # the in-process worker and progress fan-out live in this one process
        lifespan="on",
        log_config=None,  # our handlers (JSON lines with LOG_FORMAT=json)
        access_log=False,  # our access log carries the request id
        proxy_headers=True,
        # Slow or idle clients do not hold connections (see docs/security.md).
        http=protocol_with(settings.http.header_timeout_seconds),
        timeout_keep_alive=settings.http.keep_alive_seconds,
        ws_max_size=settings.http.max_ws_message_bytes,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )
    uvicorn.Server(config).run()
