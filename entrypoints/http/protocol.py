"""uvicorn's HTTP/1.1 protocol with a deadline for request headers and JSON error answers.

uvicorn bounds idle keep-alive connections (``timeout_keep_alive``) but not a client that
sends its headers one byte a second: every byte restarts nothing and the connection stays
open for ever. Here the headers of each request must be complete within
``header_timeout_seconds`` of its first byte (or of the connection opening); otherwise the
client gets 408 and the connection closes. Requests uvicorn itself cannot parse get the same
JSON error envelope, with an X-Request-ID, as everything the application answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

logger = logging.getLogger("kirbygen.http")


def _error_bytes(status: int, reason: str, code: str, message: str) -> tuple[bytes, str]:
    request_id = uuid.uuid4().hex
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        f"x-request-id: {request_id}\r\n"
        "connection: close\r\n\r\n"
    ).encode()
    return head + body, request_id


class DeadlineH11Protocol(H11Protocol):
    """Set ``header_timeout_seconds`` on a subclass (see ``protocol_with``)."""

    header_timeout_seconds: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._header_deadline is None:
            self._arm()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the request line and headers are complete

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(
            self.header_timeout_seconds, self._headers_too_slow
        )

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        answer, request_id = _error_bytes(
            408,
            "Request Timeout",
            "request_timeout",
            "the request headers did not arrive in time "
            f"(KIRBYGEN_HEADER_TIMEOUT_SECONDS={int(self.header_timeout_seconds)} s)",
        )
        logger.info("request headers too slow; connection closed", extra={"request_id": request_id})
        self.transport.write(answer)
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self._disarm()
        answer, request_id = _error_bytes(
            400, "Bad Request", "bad_request", f"the HTTP request could not be read: {msg}"
        )
        logger.info("unreadable HTTP request: %s", msg, extra={"request_id": request_id})
        self.transport.write(answer)
        self.transport.close()


def protocol_with(header_timeout_seconds: int) -> type[DeadlineH11Protocol]:
    """The protocol class for uvicorn's ``http=`` setting, with this header deadline."""
    return type(
        "KirbyGenH11Protocol",
        (DeadlineH11Protocol,),
        {"header_timeout_seconds": float(header_timeout_seconds)},
    )
