"""Pure ASGI middleware: request ids, security headers, access logs, rate limits.

Pure ASGI (not BaseHTTPMiddleware) so streamed bodies and WebSockets pass through untouched.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application import log_context
from domain.accounts import RateLimiter

logger = logging.getLogger("kirbygen.http")
REQUEST_ID_HEADER = b"x-request-id"
_GOOD_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
# A decoded path holding a control character (%00, %0A…) names nothing we serve; refused
# before routing so no pattern can match a prefix of it.
_BAD_PATH = re.compile(r"[\x00-\x1f\x7f]")
_PROJECT_PATH = re.compile(r"/api/projects/([A-Za-z0-9_-]{1,64})(?:/|$)")

# The API serves JSON and files, never pages: nothing may be framed, scripted or sniffed.
API_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class RequestContextMiddleware:
    """Outermost layer: every response gets ``X-Request-ID`` and the security headers, every
    request one access-log line, and an error that escaped everything still gets an envelope.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self._extra = API_SECURITY_HEADERS + ((HSTS,) if hsts else ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = _header(scope, REQUEST_ID_HEADER)
        good = given is not None and _GOOD_REQUEST_ID.fullmatch(given)
        request_id = given.decode() if given and good else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        # Every log line written while the request is handled (in threads too) carries its id,
        # and the project's when the path names one.
        named = _PROJECT_PATH.match(scope["path"])
        with log_context.bound(request_id=request_id, project_id=named and named.group(1)):
            await self._handle(scope, receive, send, request_id)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k != REQUEST_ID_HEADER]
                present = {k for k, _ in headers}
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                headers.extend((k, v) for k, v in self._extra if k not in present)
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            if _BAD_PATH.search(scope["path"]):
                await _send_json(
                    send_with_headers,
                    400,
                    "invalid_path",
                    "the path holds control characters",
                    close=scope["type"] == "websocket",
                )
                status = 400
                return
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette already answered (500 envelope) and re-raised for the server to log.
            logger.exception("unhandled error")
            if status == 0 and scope["type"] == "http":
                await _send_json(send_with_headers, 500, "internal_error", "something went wrong")
                status = 500
        finally:
            if scope["type"] == "http":
                logger.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )


LIMITER_RETRY_AFTER_SECONDS = 5


class RateLimitMiddleware:
    """Counts requests per client address; the auth endpoints have their own, stricter limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        window_ms: int,
        max_requests: int,
        auth_max_requests: int,
        auth_paths: Iterable[str],
        exempt_paths: Iterable[str],
        shared: bool = False,
    ) -> None:
        self.app = app
        self._limiter = limiter
        # A shared (Redis) limiter does network I/O: it is asked from a worker thread so the
        # event loop never waits on it. The in-memory one answers at once, in the loop.
        self._shared = shared
        self._window = window_ms
        self._max = max_requests
        self._auth_max = auth_max_requests
        self._auth_paths = frozenset(auth_paths)
        self._exempt = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._exempt:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if scope["path"] in self._auth_paths:
            key, limit, limit_name = (
                f"auth:{client}",
                self._auth_max,
                "RATE_LIMIT_LOGIN_MAX_REQUESTS",
            )
        else:
            key, limit, limit_name = f"api:{client}", self._max, "RATE_LIMIT_MAX_REQUESTS"
        try:
            if self._shared:
                decision = await run_in_threadpool(
                    self._limiter.hit, key, limit=limit, window_ms=self._window
                )
            else:
                decision = self._limiter.hit(key, limit=limit, window_ms=self._window)
        except Exception as exc:
            # The limiter's store (Redis) is down: refuse clearly rather than count nothing.
            logger.warning("rate limiter unavailable: %s", exc)
            await _send_json(
                send,
                503,
                "rate_limiter_unavailable",
                "the rate limiter is not reachable; try again shortly",
                headers=[(b"retry-after", str(LIMITER_RETRY_AFTER_SECONDS).encode())],
            )
            return
        if not decision.allowed:
            await _send_json(
                send,
                429,
                "rate_limited",
                f"too many requests; try again in {decision.retry_after_seconds} s",
                details={"limit": limit_name, "window_ms": self._window},
                headers=[(b"retry-after", str(decision.retry_after_seconds).encode())],
            )
            return
        await self.app(scope, receive, send)


async def _send_json(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    details: dict[str, object] | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    close: bool = False,
) -> None:
    if close:  # a WebSocket handshake: refused with an HTTP response (ASGI denial)
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": {"code": code, "message": message, "details": details or {}}})
    encoded = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(encoded)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": encoded})


class JsonCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, but a refused preflight answers in the JSON error envelope (the
    request-id layer outside adds X-Request-ID), like every other error."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reason = bytes(response.body).decode("utf-8", "replace")
        kept = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-type")
        }
        return JSONResponse(
            {"error": {"code": "cors_refused", "message": reason, "details": {}}},
            status_code=response.status_code,
            headers=kept,
        )
