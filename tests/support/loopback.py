"""Serve an ASGI app on 127.0.0.1 in a thread, for the fakes of remote APIs (Anthropic,
Render, Sentry) and in-process services under test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

START_SECONDS = 10


@contextmanager
def serve_on_loopback(app: Any, name: str) -> Iterator[str]:
    """Run ``app`` on a free port until the block ends; yields ``http://127.0.0.1:PORT``.
    ``name`` says which server did not start, should it fail to."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
