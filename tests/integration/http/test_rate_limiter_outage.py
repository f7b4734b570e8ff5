"""A shared rate limiter that cannot be reached answers 503 with Retry-After (never 500),
and is asked from a worker thread, so the event loop does not wait on it."""

from __future__ import annotations

import threading

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from domain.accounts import RateDecision
from entrypoints.http.middleware import RateLimitMiddleware


class UnreachableLimiter:
    def __init__(self) -> None:
        self.threads: list[str] = []

    def hit(self, key: str, *, limit: int, window_ms: int) -> RateDecision:
        self.threads.append(threading.current_thread().name)
        raise ConnectionError("Redis is restarting")


LOOP_THREADS: list[str] = []


async def hello(request: Request) -> PlainTextResponse:
    LOOP_THREADS.append(threading.current_thread().name)
    return PlainTextResponse("hello")


@pytest.mark.parametrize("shared", [True, False])
def test_an_unreachable_limiter_answers_503(shared: bool) -> None:
    limiter = UnreachableLimiter()
    app = Starlette(
        routes=[Route("/api/x", hello), Route("/api/health", hello)],
        middleware=[
            Middleware(
                RateLimitMiddleware,
                limiter=limiter,
                window_ms=60_000,
                max_requests=10,
                auth_max_requests=5,
                auth_paths=(),
                exempt_paths=("/api/health",),
                shared=shared,
            )
        ],
    )
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200  # probes are never limited
        refused = client.get("/api/x")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "5"
        assert refused.json()["error"]["code"] == "rate_limiter_unavailable"
    assert len(limiter.threads) == 1
    # Shared: asked from a worker thread; in memory: in the event loop's own thread.
    assert (limiter.threads[0] != LOOP_THREADS[-1]) is shared
