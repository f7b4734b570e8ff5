"""Helpers for tests of the HTTP API: an app on a temporary data folder, users, projects."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import httpx2
import pytest
from starlette.testclient import TestClient

from adapters.sql.database import upgrade
from config.container import Container, build_container
from config.settings import AppEnv, HttpSettings, Settings
from entrypoints.http.app import create_app

ROOT_DIR = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT_DIR / "examples" / "material"
PASSWORD = "correct horse battery"
WAIT_SECONDS = 60


def make_settings(data_dir: Path, **http: Any) -> Settings:
    defaults: dict[str, Any] = {
        "jwt_secret": "test-jwt-secret-" + "x" * 32,
        "session_secret": "test-session-secret-" + "y" * 32,
        "rate_limit_max_requests": 100_000,
        "rate_limit_login_max_requests": 1_000,
        "rate_limit_login_account_max_requests": 1_000,
    }
    return Settings(
        app_env=AppEnv.TEST,
        data_dir=data_dir,
        load_entry_points=False,
        http=HttpSettings(**(defaults | http)),
    )


@contextmanager
def api(settings: Settings, container: Container | None = None) -> Iterator[TestClient]:
    """A started app (lifespan, worker) and a client for it; base URL https so the Secure
    refresh cookie is sent back."""
    upgrade(settings.effective_database_url)
    container = container or build_container(settings)
    app = create_app(container)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            yield client
    finally:
        container.shutdown_resources()


def register(client: TestClient, email: str) -> dict[str, str]:
    """Register and log in; returns the Authorization header."""
    response = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def create_project(client: TestClient, headers: dict[str, str], name: str = "Mara") -> str:
    response = client.post("/api/projects", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    project_id: str = response.json()["id"]
    return project_id


def upload_examples(client: TestClient, headers: dict[str, str], project_id: str) -> list[Any]:
    files = [
        ("files", (path.name, path.read_bytes(), "application/octet-stream"))
        for path in sorted(EXAMPLE.rglob("*"))
        if path.is_file()
    ]
    response = client.post(f"/api/projects/{project_id}/uploads", files=files, headers=headers)
    assert response.status_code == 201, response.text
    items: list[Any] = response.json()["items"]
    return items


def wait_for_run(
    client: TestClient, headers: dict[str, str], project_id: str, run_id: str, *states: str
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    wanted = states or ("succeeded", "failed", "cancelled")
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(
            f"/api/projects/{project_id}/runs/{run_id}", headers=headers
        ).json()
        if run["status"] in wanted:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not reach {wanted} in {WAIT_SECONDS}s")


def ready_project(client: TestClient, headers: dict[str, str]) -> str:
    """A project with the example material, its conversation started and schema approved."""
    project_id = create_project(client, headers)
    upload_examples(client, headers, project_id)
    started = client.post(f"/api/projects/{project_id}/conversation", json={}, headers=headers)
    assert started.status_code == 200, started.text
    approved = client.post(f"/api/projects/{project_id}/schema/approve", headers=headers)
    assert approved.status_code == 200, approved.text
    return project_id


def evolve_http(settings: Settings, **changes: Any) -> Settings:
    return attrs.evolve(settings, http=attrs.evolve(settings.http, **changes))


@attrs.define
class LiveServer:
    """A real `kirbygen serve` process on loopback; ``log()`` is what it wrote to stderr."""

    url: str
    port: int
    process: subprocess.Popen[str]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_server(data_dir: Path, **env: str) -> Iterator[LiveServer]:
    """`kirbygen serve` on a free loopback port with ``env`` added; stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("KIRBYGEN_", "APP_ENV"))
    }
    environment |= {"KIRBYGEN_DATA_DIR": str(data_dir), "LOG_FORMAT": "json", **env}
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"server-{port}.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx2.get(f"{server.url}/api/health", timeout=1)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(f"kirbygen serve did not start:\n{server.log()}") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerLog(logging.Handler):
    """Collects what the app logs with a traceback (or at ERROR and above) during a test."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info is not None or record.levelno >= logging.ERROR:
            self.records.append(record)

    def report(self) -> str:
        formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
        return "\n\n".join(formatter.format(r) for r in self.records)


@contextmanager
def no_server_tracebacks(request: pytest.FixtureRequest) -> Iterator[ServerLog]:
    """Fails the test when the server logged a traceback or an error while it ran: every
    client mistake must be a 4xx (or an info line), never a logged exception. A test that
    provokes a server-side failure on purpose is marked ``server_errors_expected``."""
    handler = ServerLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("server_errors_expected") is None:
        pytest.fail(f"the server logged tracebacks or errors:\n{handler.report()}", pytrace=False)
