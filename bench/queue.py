"""Per-job overhead of our SAQ job queue relative to a bare SAQ no-op job, in one run.

Usage:  .venv/bin/python bench/queue.py [--jobs N] [--rounds R] [--redis URL]

Three ways to push N jobs through one worker (concurrency 1) on the same Redis server
(``KIRBYGEN_BENCH_REDIS_URL``, default redis://127.0.0.1:6379/0), each on a queue name of
its own whose keys are deleted afterwards:

- bare SAQ: ``Queue.enqueue`` of a job whose function returns at once (the baseline);
- our queue: ``SaqJobQueue`` with a handler that does nothing (adapter: job policy,
  heartbeat task, safe cancellation);
- our no-op run: ``SaqJobQueue`` with the real run handler on a run that has already
  finished (its lease, its database look-ups on SQLite, then nothing to do).

Printed: milliseconds per job from the first enqueue to the last completion, and each
figure as a ratio of the bare one. Absolute numbers depend on the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path and this file would shadow the
# standard library's ``queue`` module: put the repository root there instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from saq import Queue, Worker  # noqa: E402

from adapters.saq import SaqJobQueue, SaqPolicy  # noqa: E402
from domain.ports import Job  # noqa: E402

DEFAULT_JOBS = 300
POLICY = SaqPolicy(concurrency=1, heartbeat_seconds=30, sweep_seconds=60)


class _Bare(Worker):  # type: ignore[type-arg]
    SIGNALS = []


async def _noop(ctx: Any) -> None:
    return None


async def bare_saq(url: str, jobs: int) -> float:
    name = f"bench-bare-{uuid.uuid4().hex[:8]}"
    queue = Queue.from_url(url, name=name)
    await queue.connect()
    worker = _Bare(queue, functions=[("noop", _noop)], concurrency=1)
    task = asyncio.create_task(worker.start())
    try:
        start = time.perf_counter()
        for n in range(jobs):
            await queue.enqueue("noop", key=f"j{n}", timeout=60, retries=3)
        while await queue.count("incomplete"):
            await asyncio.sleep(0.001)
        return time.perf_counter() - start
    finally:
        await worker.stop()
        task.cancel()
        await queue.disconnect()
        _delete(url, name)


async def ours(url: str, jobs: int, handler: Callable[[Job], Awaitable[None]]) -> float:
    name = f"bench-ours-{uuid.uuid4().hex[:8]}"
    queue = SaqJobQueue(url, name=name, policy=POLICY)
    await queue.start(handler)
    try:
        start = time.perf_counter()
        for n in range(jobs):
            await queue.enqueue(Job(id=f"j{n}", run_id="bench-run", project_id="bench"))
        await queue.join()
        return time.perf_counter() - start
    finally:
        await queue.stop()
        _delete(url, name)


async def _nothing(job: Job) -> None:
    return None


def finished_run_handler(data_dir: Path) -> Callable[[Job], Awaitable[None]]:
    """The real run handler (SQLite, local files) and a run of it that has succeeded."""
    from config.container import build_container
    from config.settings import load_settings
    from domain.project import Project, ProjectStatus, Run, RunStatus

    os.environ["KIRBYGEN_DATA_DIR"] = str(data_dir)
    settings = load_settings()
    container = build_container(settings)
    container.migrate_database()
    repository = container.repository()
    now = datetime.now(UTC)
    repository.add_project(
        Project(
            id="bench",
            name="Bench",
            owner_id="nobody",
            status=ProjectStatus.GENERATED,
            created=now,
            updated=now,
        )
    )
    repository.add_run(
        Run(id="bench-run", project_id="bench", status=RunStatus.SUCCEEDED, created=now)
    )
    handler: Callable[[Job], Awaitable[None]] = container.job_handler()
    return handler


def _delete(url: str, name: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        for pattern in (f"saq:{name}:*", f"saq:job:{name}:*"):
            keys = list(client.scan_iter(match=pattern, count=500))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


async def main(url: str, jobs: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as data:
        run_handler = finished_run_handler(Path(data))
        await bare_saq(url, 20)  # warm-up: connections, scripts
        times: dict[str, list[float]] = {"bare": [], "adapter": [], "run": []}
        for _ in range(rounds):  # interleaved, so that drift hits every figure alike
            times["bare"].append(await bare_saq(url, jobs))
            times["adapter"].append(await ours(url, jobs, _nothing))
            times["run"].append(await ours(url, jobs, run_handler))
    bare, adapter, noop_run = (statistics.median(times[k]) for k in ("bare", "adapter", "run"))
    print(f"jobs: {jobs} per round, median of {rounds} rounds, one worker, Redis at {url}")
    print(f"bare SAQ no-op job       {1000 * bare / jobs:8.2f} ms/job   1.00x")
    for label, seconds in (("our queue, no-op handler", adapter), ("our no-op run", noop_run)):
        print(f"{label:<24} {1000 * seconds / jobs:8.2f} ms/job   {seconds / bare:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--redis",
        default=os.environ.get("KIRBYGEN_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # SAQ logs every job at INFO
    asyncio.run(main(args.redis, args.jobs, args.rounds))
