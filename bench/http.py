"""HTTP throughput of the API relative to a bare Starlette hello-world, measured in one run.

Usage:  .venv/bin/python bench/http.py [--requests N] [--concurrency C] [--rounds R]
                                       [--before REV]

Each app runs under uvicorn (one worker) on a loopback port in its own process; the same
client (httpx2, keep-alive, C concurrent requests, after a warm-up) measures requests per
second. All servers run at once and are measured in R interleaved rounds of N/R requests, so
that a machine busy with other work slows each of them alike; every figure is the median
over the rounds of its ratio to the bare figure of the same round. Printed: the bare figure
and, for ``GET /api/health`` and an authenticated ``GET /api/projects/{id}``, their ratios.
With ``--before REV`` the API as it was at git revision REV (exported to a temporary folder)
is measured in the same rounds, for a before/after comparison. Absolute numbers depend on
the machine; the ratios are what to compare between versions.
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
import contextlib  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import httpx2  # noqa: E402

DEFAULT_REQUESTS = 3000
DEFAULT_CONCURRENCY = 16
DEFAULT_ROUNDS = 5
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

    def __init__(self, target: str, env: dict[str, str], app_dir: Path = ROOT) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", "1", "--no-access-log", "--log-level",
            "warning", "--app-dir", str(app_dir),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=app_dir, stdout=subprocess.DEVNULL
        )

    @property
    def pid(self) -> int:
        return self._process.pid

    def cpu_seconds(self) -> float:
        """User and system CPU time the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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


@contextlib.contextmanager
def _exported(revision: str) -> Iterator[Path]:
    """The repository's tree at ``revision`` in a temporary folder (its code, not this one's,
    is what a server started there imports: the folder comes first on its sys.path)."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        yield Path(folder)


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


def _api_env(data: str, requests: int) -> dict[str, str]:
    return {
        "KIRBYGEN_DATA_DIR": data,
        "APP_ENV": "local",
        "KIRBYGEN_DISABLE_PLUGINS": "1",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_MAX_REQUESTS": str(10 * (requests + WARMUP_REQUESTS)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--before", metavar="REV", help="also measure the API at this revision")
    args = parser.parse_args()
    per_round = max(args.requests // args.rounds, args.concurrency)

    def measure(server: Server, url: str, headers: dict[str, str]) -> tuple[float, float]:
        """(requests per second, server CPU seconds per request) for one round."""
        cpu = server.cpu_seconds()
        rate = asyncio.run(_measure(url, headers, per_round, args.concurrency))
        return rate, (server.cpu_seconds() - cpu) / (per_round + WARMUP_REQUESTS)

    with contextlib.ExitStack() as stack:
        bare = stack.enter_context(Server("bench.http:hello_app", {}))
        apps = {"now": ROOT}
        if args.before:
            apps["before"] = stack.enter_context(_exported(args.before))
        targets: list[tuple[str, Server, str, dict[str, str]]] = []
        for version, app_dir in apps.items():
            data = stack.enter_context(tempfile.TemporaryDirectory())
            api = stack.enter_context(
                Server("bench.http:kirbygen_app", _api_env(data, args.requests), app_dir)
            )
            path, headers = _authenticated_project(api.url)
            label = "" if version == "now" else f" at {args.before}"
            targets.append((f"GET /api/health{label}", api, api.url + "/api/health", {}))
            targets.append((f"GET /api/projects/{{id}} (auth){label}", api, api.url + path,
                            headers))  # fmt: skip
        bare_rates: list[float] = []
        bare_cpu: list[float] = []
        ratios: dict[str, tuple[list[float], list[float]]] = {t[0]: ([], []) for t in targets}
        for _ in range(args.rounds):
            rate, cpu = measure(bare, bare.url + "/", {})
            bare_rates.append(rate)
            bare_cpu.append(cpu)
            for label, server, url, headers in targets:
                target_rate, target_cpu = measure(server, url, headers)
                ratios[label][0].append(target_rate / rate)
                ratios[label][1].append(cpu / target_cpu if target_cpu else float("nan"))
    median = statistics.median
    print(
        f"{args.rounds} rounds of {per_round} requests, concurrency {args.concurrency},"
        f" uvicorn 1 worker; each figure the median over the rounds"
    )
    print(
        f"{'':<44} {'req/s ratio':>11} {'server CPU ratio':>17}\n"
        f"{'bare Starlette hello-world':<44} {median(bare_rates):6.0f} req/s"
        f" {median(bare_cpu) * 1e6:8.0f} us/req"
    )
    for label, (rates, cpus) in ratios.items():
        print(f"{label:<44} {median(rates):11.2f} {median(cpus):17.2f}")
    print(
        "req/s ratio: throughput against the bare app's in the same round (the client's own"
        " cost is in it);\nserver CPU ratio: the bare app's server CPU time per request over"
        " this one's, the throughput\nratio a server would reach alone on a core."
    )


if __name__ == "__main__":
    main()
