"""One error envelope for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from application.schemas import SchemaInvalid
from domain.errors import (
    DependencyUnavailable,
    InvalidInput,
    KirbyGenError,
    NotFound,
    RunDeferred,
)
from domain.llm import LlmError
from domain.refusals import (
    Conflict,
    Forbidden,
    LimitExceeded,
    RateLimited,
    TimedOut,
    Unauthenticated,
    Unprocessable,
    UnsupportedMediaType,
)
from domain.serialization import to_data

logger = logging.getLogger("kirbygen.http")
DATABASE_RETRY_AFTER_SECONDS = 5
# Nobody reads it (the client is gone); the access log shows it as nginx does.
CLIENT_CLOSED_REQUEST = 499

# Most specific first: the first class the error is an instance of decides the status.
_STATUS: tuple[tuple[type[KirbyGenError], int], ...] = (
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TimedOut, 408),
    (LimitExceeded, 413),
    (UnsupportedMediaType, 415),
    (Unprocessable, 422),
    (RateLimited, 429),
    (InvalidInput, 400),
    (LlmError, 502),  # the model API failed for good (its code says why)
    (RunDeferred, 503),  # the model API asked for a long wait: try again after Retry-After
    (DependencyUnavailable, 503),  # the skills service is down or refuses our token
)
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def status_of(exc: KirbyGenError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def kirbygen_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KirbyGenError)
    details: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, LimitExceeded | TimedOut):
        details = {"limit": exc.limit, "value": exc.value}
        if isinstance(exc, TimedOut):
            headers["Connection"] = "close"
    elif isinstance(exc, SchemaInvalid):
        details = {"issues": to_data(exc.issues)}
    elif isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    elif isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, RunDeferred):
        headers["Retry-After"] = str(max(1, round(exc.delay_seconds)))
    return error_response(status_of(exc), exc.code, exc.message, details, headers)


def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code == 404:
        message = f"nothing at {request.url.path}"
    return error_response(exc.status_code, code, message, headers=exc.headers)


def database_down(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DBAPIError) and not _connection_lost(exc):
        return internal_error(request, exc)  # a bad statement is our bug, not an outage
    logger.warning("database unavailable: %s", exc)
    return error_response(
        503,
        "database_unavailable",
        "the database is not reachable; try again shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def _connection_lost(exc: DBAPIError) -> bool:
    return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)


def dependency_down(request: Request, exc: Exception) -> Response:
    """Redis or the object storage did not answer (after the clients' own retries)."""
    name = "storage" if type(exc).__module__.startswith("botocore") else "redis"
    logger.warning("%s unavailable: %s", name, exc)
    return error_response(
        503,
        f"{name}_unavailable",
        f"the {name} service is not reachable; try again shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def client_gone(request: Request, exc: Exception) -> Response:
    """A client that abandons its request half-way is normal, not a server error: logged at
    info; what it sent so far was already discarded by the reader."""
    logger.info(
        "client disconnected before its request was read: %s %s",
        request.method,
        request.url.path,
        extra={"request_id": getattr(request.state, "request_id", None)},
    )
    return error_response(
        CLIENT_CLOSED_REQUEST, "client_disconnected", "the client closed the connection"
    )


def internal_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "internal_error", "something went wrong on our side")


EXCEPTION_HANDLERS = {
    KirbyGenError: kirbygen_error,
    HTTPException: http_error,
    # Any lost or refused database connection, and a pool with none free: 503, never 500.
    DBAPIError: database_down,
    PoolTimeout: database_down,
    ClientDisconnect: client_gone,
    Exception: internal_error,
}


def exception_handlers() -> dict[Any, Any]:
    """The handlers, with the connection errors of the Redis and S3 clients when those are in
    use (imported by their adapters): a laptop's API never loads them."""
    handlers: dict[Any, Any] = {}
    if "redis" in sys.modules:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        handlers |= {RedisConnectionError: dependency_down, RedisTimeoutError: dependency_down}
    if "botocore" in sys.modules:
        from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

        handlers |= {EndpointConnectionError: dependency_down, ConnectTimeoutError: dependency_down}
    return {**EXCEPTION_HANDLERS, **handlers}
