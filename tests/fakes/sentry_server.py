"""A fake of Sentry's ingestion endpoint on loopback: ``POST /api/<project>/envelope/``.

It reads what ``sentry-sdk`` sends: an envelope (a JSON header line, then items, each a JSON
header line and a payload of the length it names, or up to the next newline), compressed as
the ``Content-Encoding`` says (gzip; br when the SDK finds ``brotli``). Every event item is
kept in ``received`` with the project it was sent to and the key of its ``X-Sentry-Auth``
header, so tests can look at the tags, the environment and the stack traces that arrived.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.loopback import serve_on_loopback

PUBLIC_KEY = "0123456789abcdef0123456789abcdef"
PROJECT = "42"


@attrs.frozen
class Received:
    project: str
    public_key: str
    event: dict[str, Any]

    @property
    def tags(self) -> dict[str, str]:
        return dict(self.event.get("tags") or {})

    def frames(self) -> list[dict[str, Any]]:
        """Every stack frame of every exception in the event, outermost first."""
        found: list[dict[str, Any]] = []
        for exception in (self.event.get("exception") or {}).get("values", []):
            found.extend((exception.get("stacktrace") or {}).get("frames", []))
        return found

    def exception_types(self) -> list[str]:
        values = (self.event.get("exception") or {}).get("values", [])
        return [str(v.get("type")) for v in values]


def _decompress(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":  # the SDK's choice when the brotli module is installed
        import brotli  # type: ignore[import-not-found, unused-ignore]

        data: bytes = brotli.decompress(body)
        return data
    return body


def parse_envelope(data: bytes) -> tuple[dict[str, Any], list[tuple[dict[str, Any], bytes]]]:
    """The envelope's header and its items (header, payload)."""
    header_line, _, rest = data.partition(b"\n")
    header = json.loads(header_line)
    items: list[tuple[dict[str, Any], bytes]] = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item = json.loads(item_line)
        length = item.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length:]
            rest = rest.removeprefix(b"\n")
        items.append((item, payload))
    return header, items


def _public_key(auth: str) -> str:
    for part in auth.removeprefix("Sentry ").split(","):
        name, _, value = part.strip().partition("=")
        if name == "sentry_key":
            return value
    return ""


class FakeSentry:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self.base_url = ""

    def dsn(self, project: str = PROJECT) -> str:
        host = self.base_url.removeprefix("http://")
        return f"http://{PUBLIC_KEY}@{host}/{project}"

    def app(self) -> Starlette:
        return Starlette(
            routes=[Route("/api/{project}/envelope/", self._envelope, methods=["POST"])]
        )

    async def _envelope(self, request: Request) -> Response:
        key = _public_key(request.headers.get("x-sentry-auth", ""))
        if key != PUBLIC_KEY:
            return JSONResponse({"detail": "invalid api key"}, status_code=401)
        body = _decompress(await request.body(), request.headers.get("content-encoding", ""))
        header, items = parse_envelope(body)
        events = [json.loads(p) for i, p in items if i.get("type") == "event"]
        with self._arrived:
            for event in events:
                self.received.append(Received(request.path_params["project"], key, event))
            self._arrived.notify_all()
        return JSONResponse({"id": header.get("event_id")})

    def wait_for(self, count: int = 1, timeout: float = 30) -> list[Received]:
        """The events received, once there are at least ``count`` (else AssertionError)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received)} of {count} Sentry events arrived")
                self._arrived.wait(left)
            return list(self.received)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on 127.0.0.1 (a free port) in a thread; yields the base URL."""
        with serve_on_loopback(self.app(), "the fake Sentry server") as url:
            self.base_url = url
            yield self.base_url
