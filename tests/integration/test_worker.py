"""`kirbygen worker` in this process: it refuses to start without a queue, and its loop finds
a run whose job was lost and gets it worked on."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from config.backends import QueueBackend, QueueSettings
from config.container import build_container
from domain.project import Project, ProjectStatus, Run, RunStatus
from entrypoints import worker
from entrypoints.cli import EXIT_USAGE, main
from tests.conftest import delete_redis_keys
from tests.http_support import make_settings

WAIT_SECONDS = 30


def test_the_worker_refuses_to_start_without_a_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("QUEUE_URL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("KIRBYGEN_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    assert main(["worker"]) == EXIT_USAGE
    assert "QUEUE_URL is empty" in capsys.readouterr().err


def test_the_worker_resumes_a_run_whose_job_was_lost(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"kirbygen-test-{uuid.uuid4().hex[:10]}"
    settings = make_settings(tmp_path)
    settings = attrs.evolve(
        settings,
        backends=attrs.evolve(
            settings.backends, queue=QueueSettings(QueueBackend.SAQ_REDIS, redis_url)
        ),
        worker=attrs.evolve(settings.worker, queue_name=name),
    )
    container = build_container(settings)
    container.migrate_database()
    repository = container.repository()
    now = datetime.now(UTC)
    # A run left 'running' with no job anywhere (say, a broker that lost its data).
    repository.add_project(
        Project(
            id="p1",
            name="P",
            owner_id="u1",
            status=ProjectStatus.GENERATING,
            created=now,
            updated=now,
        )
    )
    repository.add_run(Run(id="r1", project_id="p1", status=RunStatus.RUNNING, created=now))
    monkeypatch.setattr(worker, "recovery_interval", lambda settings: 0.2)

    async def scenario() -> Run | None:
        stop = asyncio.Event()
        working = asyncio.create_task(worker.work(container, settings, stop))
        try:
            for _ in range(int(WAIT_SECONDS / 0.1)):
                run = await asyncio.to_thread(repository.get_run, "r1")
                if run is not None and run.status is not RunStatus.RUNNING:
                    return run
                await asyncio.sleep(0.1)
            return None
        finally:
            stop.set()
            await working

    try:
        run = asyncio.run(scenario())
    finally:
        container.shutdown_resources()
        delete_redis_keys(redis_url, f"saq:kirbygen:{name}:*")
        delete_redis_keys(redis_url, f"saq:job:kirbygen:{name}:*")
    # Resumed and handled by the worker: this project never had its schema approved.
    assert run is not None and run.status is RunStatus.FAILED
    assert run.failure is not None and run.failure.code == "schema_not_approved"
