"""A real `kirbygen worker` with LOG_FORMAT=json and SENTRY_DSN: a run failing in its design
phase is one JSON log line with the stack trace, the job, run and project ids and the phase,
and the same failure arrives at (a fake of) Sentry, tagged alike."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.sql.database import upgrade
from tests.conftest import delete_redis_keys
from tests.e2e.processes import Client, Process, gate_plugin_env, processes, serve
from tests.fakes.sentry_server import FakeSentry

pytestmark = pytest.mark.slow


@pytest.fixture
def sentry() -> Iterator[FakeSentry]:
    fake = FakeSentry()
    with fake.serve():
        yield fake


@pytest.fixture
def worker_env(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> Iterator[dict[str, str]]:
    queue_name = f"kirbygen-logs-{uuid.uuid4().hex[:10]}"
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": fresh_postgres_url,
        "QUEUE_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "KIRBYGEN_QUEUE_NAME": queue_name,
        "KIRBYGEN_SKILLS": "offline",
        "KIRBYGEN_DATA_DIR": str(tmp_path / "data"),
        "JWT_SECRET": "logs-jwt-secret-" + "x" * 32,
        "SESSION_SECRET": "logs-session-secret-" + "y" * 32,
        "LOG_FORMAT": "json",
        **gate_plugin_env(tmp_path, tmp_path / "gate"),
    }
    yield env
    for pattern in (f"saq:{redis_prefix}{queue_name}:*", f"saq:job:{redis_prefix}{queue_name}:*"):
        delete_redis_keys(redis_url, pattern)


def _json_lines(text: str) -> list[dict[str, Any]]:
    found = []
    for line in text.splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def test_a_worker_logs_and_reports_a_failed_run_with_its_trace_and_ids(
    tmp_path: Path, worker_env: dict[str, str], sentry: FakeSentry
) -> None:
    upgrade(worker_env["DATABASE_URL"])
    (tmp_path / "gate" / "design.fail").touch()
    worker_log = tmp_path / "worker.log"
    with processes() as started:
        worker = Process(["worker"], {**worker_env, "SENTRY_DSN": sentry.dsn()}, worker_log)
        started.append(worker)
        api, base = serve(worker_env, tmp_path / "api.log")
        started.append(api)
        client = Client(base)
        client.register("w@example.com")
        project_id = client.ready_project()
        run_id = client.start_run(project_id)
        run = client.wait_for_run(project_id, run_id)
        client.close()
        events = sentry.wait_for(1)

    assert run["status"] == "failed"
    assert run["failure"] == {
        "phase": "design",
        "code": "internal_error",
        "message": "RuntimeError: the gate was told to fail the design",
    }
    output = worker.output()
    assert "Traceback" not in "\n".join(
        line for line in output.splitlines() if not line.startswith("{")
    ), "every worker line is JSON"
    lines = _json_lines(output)
    (failed,) = [e for e in lines if e["message"].startswith(f"run {run_id} failed")]
    assert failed["level"] == "error"
    assert (failed["run_id"], failed["project_id"], failed["phase"]) == (
        run_id,
        project_id,
        "design",
    )
    assert failed["job_id"] and failed["timestamp"]
    assert "in design_failed_on_purpose" in failed["stack"]

    (event,) = [e for e in events if e.tags.get("run_id") == run_id]
    assert event.tags["phase"] == "design" and event.tags["project_id"] == project_id
    assert event.tags["job_id"] == failed["job_id"]
    assert event.event["environment"] == "test"
    assert "design_failed_on_purpose" in [f.get("function") for f in event.frames()]
