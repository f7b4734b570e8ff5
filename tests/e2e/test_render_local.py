"""`scripts/render-local` runs render.yaml on this machine: each service as its own process on
loopback, on a database, Redis keys, buckets and ports of its own; `--smoke` checks the whole
stack with `kirbygen smoke` and runs the backup cron once; everything it made is gone after."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx2
import psycopg
import pytest

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.slow

SCRIPT = ROOT / "scripts" / "render-local"
RUN_SECONDS = 600
STEPS = ["health", "ready", "register", "project", "upload", "schema", "run", "events"]


def _environment(postgres_admin_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIRBYGEN_", "ANTHROPIC_"))}
    return env | {"RENDER_LOCAL_POSTGRES": postgres_admin_url, "RENDER_LOCAL_REDIS": redis_url}


def _database_exists(admin_url: str, name: str) -> bool:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def _listening(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, int(port))) == 0


def _found(pattern: str, out: str) -> str:
    match = re.search(pattern, out, re.MULTILINE)
    assert match, f"{pattern!r} not in:\n{out}"
    return match.group(1)


def test_smoke_passes_on_the_blueprint_run_locally(
    tmp_path: Path, postgres_admin_url: str, redis_url: str
) -> None:
    work = tmp_path / "render"

    result = subprocess.run(
        [str(SCRIPT), "--smoke", "--work", str(work)],
        env=_environment(postgres_admin_url, redis_url),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=RUN_SECONDS,
        check=False,
    )
    out = result.stdout + result.stderr

    assert result.returncode == 0, out
    for step in [*STEPS, "site.zip", "delete project", "delete user"]:
        assert re.search(rf"^ok +{re.escape(step)} +\d+ ms", out, re.MULTILINE), out
    assert "kirbygen-backup: `kirbygen backup` ran once" in out
    assert re.search(
        r"^uploaded kirbygen-db/\S+\.dump",
        (work / "kirbygen-backup" / "cron.log").read_text(),
        re.M,
    )
    # The static UI was built for the API this run started.
    api = _found(r"API at (http://127\.0\.0\.1:\d+)$", out)
    config = (work / "kirbygen-web" / "public" / "config.js").read_text()
    assert f'apiUrl: "{api}"' in config
    # The API was started the way Render starts it: migrated first, then behind its port.
    assert (
        "database at the latest revision" in (work / "kirbygen-api" / "pre-deploy.log").read_text()
    )
    # Nothing is left: no process listens, the database is dropped.
    assert not _listening(api)
    database = _found(r"dropped database (\S+)$", out)
    assert not _database_exists(postgres_admin_url, database)


class _Pump:
    """The lines a process prints, as they come; an empty string once it closed its output."""

    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None
        self.lines: queue.Queue[str] = queue.Queue()
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put("")


def _wait_for(lines: queue.Queue[str], pattern: str, seen: list[str]) -> str:
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        line = lines.get(timeout=deadline - time.monotonic())
        seen.append(line)
        if not line:
            break
        match = re.search(pattern, line)
        if match:
            return match.group(1)
    raise AssertionError(f"{pattern!r} never printed:\n{''.join(seen)}")


@pytest.fixture
def running(
    tmp_path: Path, postgres_admin_url: str, redis_url: str
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    process = subprocess.Popen(
        [str(SCRIPT), "--work", str(tmp_path / "render")],
        env=_environment(postgres_admin_url, redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    pump = _Pump(process.stdout)
    try:
        yield process, pump.lines
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
        pump.thread.join(timeout=30)
        assert process.stdout is not None
        process.stdout.close()


def test_the_static_ui_is_served_as_render_serves_it_and_ctrl_c_stops_everything(
    running: tuple[subprocess.Popen[str], queue.Queue[str]], postgres_admin_url: str
) -> None:
    process, lines = running
    seen: list[str] = []
    database = _wait_for(lines, r"database kirbygen-db: \S+/(\S+)$", seen)
    api = _wait_for(lines, r"API at (http://\S+)$", seen)
    web = _wait_for(lines, r"web UI at (http://\S+)$", seen)

    page = httpx2.get(f"{web}/")
    deep = httpx2.get(f"{web}/p/123/result")  # no such file: the single-page app answers
    config = httpx2.get(f"{web}/config.js")
    ready = httpx2.get(f"{api}/api/ready")
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=120)
    out = "".join(seen) + "".join(iter(lambda: lines.get(timeout=30), ""))

    assert page.status_code == 200 and "<title>Kirby-Gen</title>" in page.text
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert deep.status_code == 200 and deep.text == page.text
    assert config.headers["cache-control"] == "no-cache" and api in config.text
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) >= {"database", "queue", "storage", "skills"}
    assert code == 130, out
    assert "stopped kirbygen-api" in out and "stopped kirbygen-worker" in out
    assert not _listening(api) and not _listening(web)
    assert not _database_exists(postgres_admin_url, database)
