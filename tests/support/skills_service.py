"""A real `kirbygen skills-api` process on a free loopback port, and a proxy in front of it
that a test can make refuse, fail or stall — to see how the clients behave."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import httpx2

from config.backends import SkillsServiceSettings
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60
COMMAND = (sys.executable, "-m", "entrypoints.cli", "skills-api")


@attrs.frozen
class SkillsService:
    url: str
    token: str
    log: Path
    pid: int

    def settings(self, **changes: Any) -> SkillsServiceSettings:
        return SkillsServiceSettings(**{"base_url": self.url, "token": self.token, **changes})

    def health(self) -> dict[str, Any]:
        answer = httpx2.get(f"{self.url}/health", timeout=10)
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data

    def calls(self) -> dict[str, int]:
        counts: dict[str, int] = self.health()["calls"]
        return counts


def clean_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """No KIRBYGEN_*, model or skills setting of the developer's shell leaks in."""
    leaks = ("KIRBYGEN_", "ANTHROPIC_", "CLAUDE_", "SKILLS_")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    environment.update({"KIRBYGEN_SKILLS": "offline", "KIRBYGEN_DISABLE_PLUGINS": "1"})
    environment.update(extra)
    return environment


@contextlib.contextmanager
def skills_service(log: Path, env: Mapping[str, str] | None = None) -> Iterator[SkillsService]:
    """`kirbygen skills-api` (offline skills, no entry points unless ``env`` says) until
    the block ends; stopped even when the block fails."""
    port = free_port()
    token = secrets.token_urlsafe(32)
    environment = clean_environment({"SKILLS_API_TOKEN": token, **(env or {})})
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*COMMAND, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    service = SkillsService(f"http://127.0.0.1:{port}", token, log, process.pid)
    try:
        _wait_for(service, process)
        yield service
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(service: SkillsService, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"kirbygen skills-api exited:\n{service.log.read_text()}")
        try:
            if httpx2.get(f"{service.url}/health", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"kirbygen skills-api did not answer in {START_SECONDS}s")


class FaultyProxy:
    """An HTTP proxy on ``port`` (a free one by default) in front of ``target``.

    ``fail_next(n, status)`` answers the next n requests itself with ``status``;
    ``stall(path)`` holds requests to ``path`` without an answer until the proxy closes.
    ``seen`` lists (method, path, status) of every request, in order.
    """

    def __init__(self, target: str, port: int | None = None) -> None:
        host, _, target_port = target.removeprefix("http://").partition(":")
        self._target = (host, int(target_port))
        self._lock = threading.Lock()
        self._failures: list[int] = []
        self._stalled: set[str] = set()
        self._released = threading.Event()
        self.seen: list[tuple[str, str, int]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", port or 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def __enter__(self) -> FaultyProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def fail_next(self, count: int, status: int) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def stall(self, path: str) -> None:
        with self._lock:
            self._stalled.add(path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._forward(self)

            def do_POST(self) -> None:
                proxy._forward(self)

        return Handler

    def _forward(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("content-length") or 0)
        body = request.rfile.read(length) if length else None
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            stalled = request.path in self._stalled
        if stalled:
            self._released.wait()
            self._record(request, 0)
            return
        if failure is not None:
            self._reply(request, failure, b'{"error":{"code":"down","message":"proxy"}}')
            return
        upstream = http.client.HTTPConnection(*self._target, timeout=120)
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
            upstream.request(request.command, request.path, body=body, headers=headers)
            answer = upstream.getresponse()
            self._reply(request, answer.status, answer.read())
        finally:
            upstream.close()

    def _reply(self, request: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        self._record(request, status)
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _record(self, request: BaseHTTPRequestHandler, status: int) -> None:
        with self._lock:
            self.seen.append((request.command, request.path, status))
