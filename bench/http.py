"""HTTP throughput of the API relative to a bare Starlette hello-world, measured in one run.

Usage:  .venv/bin/python bench/http.py [--requests N] [--concurrency C]

Each app runs under uvicorn (one worker) on a loopback port in its own process; the same
client (httpx2, keep-alive, C concurrent requests, N requests after a warm-up) measures
requests per second. Printed: the bare figure and, for ``GET /api/health`` and an
authenticated ``GET /api/projects/{id}``, their figures as a ratio of the bare one.
Absolute numbers depend on the machine; the ratios are what to compare between versions.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path and this file would shadow the
# standard library's ``http`` package: put the repository root there instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import httpx2  # noqa: E402

DEFAULT_REQUESTS = 3000
DEFAULT_CONCURRENCY = 16
WARMUP_REQUESTS = 200
START_TIMEOUT_SECONDS = 30


def hello_app() -> Any:
    """The baseline: Starlette's smallest JSON endpoint."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def hello(request: Any) -> JSONResponse:
        return JSONResponse({"hello": "world"})

    return Starlette(routes=[Route("/", hello)])


def kirbygen_app() -> Any:
    """The real API on embedded defaults (SQLite and files in KIRBYGEN_DATA_DIR)."""
    from adapters.sql.database import upgrade
    from config.container import build_container
    from config.settings import load_settings
    from entrypoints.http.app import create_app

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    return create_app(build_container(settings))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``uvicorn --factory`` in a child process on a loopback port."""

    def __init__(self, target: str, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", "1", "--no-access-log", "--log-level",
            "warning", "--app-dir", str(ROOT),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL
        )

    @property
    def pid(self) -> int:
        return self._process.pid

    def __enter__(self) -> Server:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                httpx2.get(self.url + "/", timeout=1)
                return self
            except httpx2.TransportError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the server on {self.url} did not start")

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


async def _measure(url: str, headers: dict[str, str], requests: int, concurrency: int) -> float:
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def worker(count: int) -> None:
            for _ in range(count):
                response = await client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}: {response.text}")

        async def batch(total: int) -> None:
            share, extra = divmod(total, concurrency)
            await asyncio.gather(*(worker(share + (i < extra)) for i in range(concurrency)))

        await batch(WARMUP_REQUESTS)
        started = time.perf_counter()
        await batch(requests)
        return requests / (time.perf_counter() - started)


def _authenticated_project(base: str) -> tuple[str, dict[str, str]]:
    credentials = {"email": "bench@example.com", "password": "benchmark-password"}
    with httpx2.Client(base_url=base, timeout=30) as client:
        client.post("/api/auth/register", json=credentials).raise_for_status()
        login = client.post("/api/auth/login", json=credentials)
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        project = client.post("/api/projects", json={"name": "Bench"}, headers=headers)
        project.raise_for_status()
        return f"/api/projects/{project.json()['id']}", headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    args = parser.parse_args()
    run = lambda url, headers=None: asyncio.run(  # noqa: E731
        _measure(url, headers or {}, args.requests, args.concurrency)
    )
    with Server("bench.http:hello_app", {}) as bare:
        baseline = run(bare.url + "/")
    with tempfile.TemporaryDirectory() as data:
        env = {
            "KIRBYGEN_DATA_DIR": data,
            "APP_ENV": "local",
            "KIRBYGEN_DISABLE_PLUGINS": "1",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_MAX_REQUESTS": str(10 * (args.requests + WARMUP_REQUESTS)),
        }
        with Server("bench.http:kirbygen_app", env) as api:
            health = run(api.url + "/api/health")
            path, headers = _authenticated_project(api.url)
            project = run(api.url + path, headers)
    print(f"requests per figure: {args.requests}, concurrency {args.concurrency}, uvicorn 1 worker")
    print(f"bare Starlette hello-world   {baseline:9.0f} req/s   1.00")
    print(f"GET /api/health              {health:9.0f} req/s   {health / baseline:.2f}")
    print(f"GET /api/projects/{{id}} (auth) {project:7.0f} req/s   {project / baseline:.2f}")


if __name__ == "__main__":
    main()
