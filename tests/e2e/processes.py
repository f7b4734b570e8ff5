"""Real `kirbygen serve` / `kirbygen worker` processes for end-to-end tests, and a client
that speaks to them over loopback HTTP and WebSocket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import EXAMPLE, ROOT
from tests.http_support import PASSWORD

START_SECONDS = 60
WAIT_SECONDS = 150
PLUGIN_SOURCE = ROOT / "tests" / "fixtures" / "plugins"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def gate_plugin_env(tmp_path: Path, gate: Path) -> dict[str, str]:
    """PYTHONPATH with the `kirbygen_gate` test plugin installed (a real entry point)."""
    site = tmp_path / "site-packages"
    dist_info = site / "kirbygen_gate-0.1.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kirbygen-gate\nVersion: 0.1\n"
    )
    (dist_info / "entry_points.txt").write_text("[kirbygen]\ngate = kirbygen_gate\n")
    gate.mkdir(parents=True, exist_ok=True)
    paths = [str(site), str(PLUGIN_SOURCE), str(ROOT)]
    return {"PYTHONPATH": os.pathsep.join(paths), "KIRBYGEN_TEST_GATE_DIR": str(gate)}


class Process:
    """A `kirbygen` subcommand running in the background, its output in a log file."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("KIRBYGEN_")}
        environment.update(env)
        self.log = log
        self._out = log.open("ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine disappears."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def processes() -> Iterator[list[Process]]:
    """Every process started into the yielded list is stopped afterwards."""
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in reversed(started):
            process.stop()


def start_serve(env: Mapping[str, str], log: Path) -> tuple[Process, str]:
    """`kirbygen serve` on a free loopback port, not waited for (see ``wait_until_ready``)."""
    port = free_port()
    process = Process(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    return process, f"http://127.0.0.1:{port}"


def wait_until_ready(process: Process, base: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise AssertionError(f"kirbygen serve exited:\n{process.output()}")
        try:
            if httpx2.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"kirbygen serve did not answer in {START_SECONDS}s:\n{process.output()}")


def serve(env: Mapping[str, str], log: Path) -> tuple[Process, str]:
    """`kirbygen serve` on a free loopback port, once it answers."""
    process, base = start_serve(env, log)
    try:
        wait_until_ready(process, base)
    except AssertionError:
        process.stop()
        raise
    return process, base


class Client:
    """A user of one API process."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx2.Client(base_url=base, timeout=60)
        self.headers: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def register(self, email: str) -> None:
        created = self.http.post("/api/auth/register", json={"email": email, "password": PASSWORD})
        assert created.status_code == 201, created.text
        self.login(email)

    def login(self, email: str) -> None:
        answer = self.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    @property
    def token(self) -> str:
        return self.headers["Authorization"].removeprefix("Bearer ")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx2.Response:
        return self.http.request(method, url, headers=self.headers, **kwargs)

    def ready_project(self) -> str:
        """A project with the example material, its schema approved."""
        created = self.request("POST", "/api/projects", json={"name": "Mara Lindqvist"})
        assert created.status_code == 201, created.text
        project_id: str = created.json()["id"]
        files = [
            ("files", (path.name, path.read_bytes(), "application/octet-stream"))
            for path in sorted(EXAMPLE.rglob("*"))
            if path.is_file()
        ]
        uploaded = self.request("POST", f"/api/projects/{project_id}/uploads", files=files)
        assert uploaded.status_code == 201, uploaded.text
        talk = self.request("POST", f"/api/projects/{project_id}/conversation", json={})
        assert talk.status_code == 200, talk.text
        approved = self.request("POST", f"/api/projects/{project_id}/schema/approve")
        assert approved.status_code == 200, approved.text
        return project_id

    def start_run(self, project_id: str) -> str:
        started = self.request("POST", f"/api/projects/{project_id}/runs")
        assert started.status_code == 202, started.text
        run_id: str = started.json()["id"]
        return run_id

    def run(self, project_id: str, run_id: str) -> dict[str, Any]:
        answer = self.request("GET", f"/api/projects/{project_id}/runs/{run_id}")
        assert answer.status_code == 200, answer.text
        run: dict[str, Any] = answer.json()
        return run

    def wait_for_run(self, project_id: str, run_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            run = self.run(project_id, run_id)
            if run["status"] in ("succeeded", "failed", "cancelled"):
                return run
            time.sleep(0.2)
        raise AssertionError(f"run {run_id} did not finish in {WAIT_SECONDS}s")

    def events(self, project_id: str, run_id: str) -> list[dict[str, Any]]:
        answer = self.request("GET", f"/api/projects/{project_id}/runs/{run_id}/events")
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    def watch(self, project_id: str, run_id: str) -> ClientConnection:
        url = self.base.replace("http://", "ws://", 1)
        return connect(
            f"{url}/api/projects/{project_id}/events?run={run_id}&token={self.token}",
            open_timeout=30,
        )


def receive_until_end(socket: ClientConnection) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The events a WebSocket sends, and its final ``end`` message."""
    events: list[dict[str, Any]] = []
    while True:
        message = json.loads(socket.recv(timeout=WAIT_SECONDS))
        if message["type"] == "event":
            events.append(message["event"])
        elif message["type"] == "end":
            return events, message
        else:
            raise AssertionError(f"unexpected message {message}")


def wait_for_file(path: Path, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} did not appear in {seconds}s")
        time.sleep(0.05)


def calls(gate: Path, skill: str) -> int:
    counter = gate / f"{skill}.calls"
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def started_phases(events: list[dict[str, Any]]) -> list[str]:
    return [e["phase"] for e in events if e["status"] == "started"]


def completed_phases(events: list[dict[str, Any]]) -> list[str]:
    return [e["phase"] for e in events if e["status"] == "completed"]
