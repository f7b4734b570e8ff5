"""The production stack as separate processes: PostgreSQL, Redis, S3 (moto's server), two
`kirbygen serve` API processes and `kirbygen worker` processes.

A run started on one API process is worked on by a worker, and its events reach a WebSocket
held by the other API process. A worker killed mid-run (SIGKILL) is replaced by another,
which resumes the run without redoing a finished phase, while the WebSocket keeps going.
Processes on data folders of their own (machines of their own) share the site's versions
through S3: the API lists what a worker committed and deploys it.
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.s3.storage import S3Options, S3Storage
from adapters.sql.database import upgrade
from tests.conftest import delete_redis_keys
from tests.e2e.processes import (
    WAIT_SECONDS,
    Client,
    Process,
    calls,
    completed_phases,
    gate_plugin_env,
    processes,
    receive_until_end,
    start_serve,
    started_phases,
    wait_for_file,
    wait_until_ready,
)

pytestmark = pytest.mark.slow

PHASES = ["ingest", "mapping", "structuring", "design", "site", "versioning"]


@pytest.fixture
def production_env(
    tmp_path: Path,
    fresh_postgres_url: str,
    redis_url: str,
    redis_prefix: str,
    s3_bucket: Any,
) -> Iterator[dict[str, str]]:
    """APP_ENV=production on a database, a Redis key prefix, a queue and a bucket of this
    test's own; the gate plugin installed."""
    queue_name = f"kirbygen-e2e-{uuid.uuid4().hex[:10]}"
    env = {
        "APP_ENV": "production",
        "DATABASE_URL": fresh_postgres_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "QUEUE_URL": redis_url,
        "KIRBYGEN_QUEUE_NAME": queue_name,
        "STORAGE_TYPE": "s3",
        "S3_ENDPOINT": s3_bucket.endpoint,
        "S3_BUCKET": s3_bucket.bucket,
        "S3_REGION": s3_bucket.region,
        "S3_ACCESS_KEY_ID": s3_bucket.access_key_id,
        "S3_SECRET_ACCESS_KEY": s3_bucket.secret_access_key,
        "S3_FORCE_PATH_STYLE": "true",
        "JWT_SECRET": "e2e-jwt-secret-" + "x" * 32,
        "SESSION_SECRET": "e2e-session-secret-" + "y" * 32,
        "KIRBYGEN_SKILLS": "offline",
        "KIRBYGEN_DATA_DIR": str(tmp_path / "data"),
        # A dead worker's job is late after 3 s and swept within 2 s more.
        "KIRBYGEN_JOB_HEARTBEAT_SECONDS": "3",
        "KIRBYGEN_QUEUE_SWEEP_SECONDS": "2",
        **gate_plugin_env(tmp_path, tmp_path / "gate"),
    }
    yield env
    for pattern in (f"saq:{redis_prefix}{queue_name}:*", f"saq:job:{redis_prefix}{queue_name}:*"):
        delete_redis_keys(redis_url, pattern)


def _migrate(env: dict[str, str]) -> None:
    # Once, before the processes start (each `serve` then finds the database at head).
    upgrade(env["DATABASE_URL"])


def test_two_api_processes_and_a_worker_on_the_production_stack(
    tmp_path: Path, production_env: dict[str, str]
) -> None:
    _migrate(production_env)
    with processes() as started:
        # Started side by side: on a busy machine each takes seconds to import.
        api_1, base_1 = start_serve(production_env, tmp_path / "api-1.log")
        api_2, base_2 = start_serve(production_env, tmp_path / "api-2.log")
        started.extend([api_1, api_2])
        started.append(Process(["worker"], production_env, tmp_path / "worker.log"))
        wait_until_ready(api_1, base_1)
        wait_until_ready(api_2, base_2)
        first, second = Client(base_1), Client(base_2)
        first.register("two@example.com")
        second.login("two@example.com")
        project_id = first.ready_project()
        gate = Path(production_env["KIRBYGEN_TEST_GATE_DIR"])
        (gate / "design.hold").touch()  # so the WebSocket is open before the run ends

        run_id = first.start_run(project_id)
        with second.watch(project_id, run_id) as socket:
            wait_for_file(gate / "design.entered")
            (gate / "design.hold").unlink()
            events, end = receive_until_end(socket)

        assert end["run"]["status"] == "succeeded", end
        assert started_phases(events) == PHASES
        assert completed_phases(events) == PHASES
        assert [e["seq"] for e in events] == sorted({e["seq"] for e in events})
        # Both API processes answer from the shared database; the site is on S3.
        assert second.run(project_id, run_id)["status"] == "succeeded"
        site = second.request("GET", f"/api/projects/{project_id}/site.zip")
        assert site.status_code == 200, site.text
        with zipfile.ZipFile(io.BytesIO(site.content)) as archive:
            assert "site/blueprints/site.yml" in archive.namelist() or any(
                name.endswith("blueprints/site.yml") for name in archive.namelist()
            )
        first.close()
        second.close()


def test_a_killed_worker_is_replaced_and_the_run_finishes_without_redoing_a_phase(
    tmp_path: Path, production_env: dict[str, str]
) -> None:
    _migrate(production_env)
    gate = Path(production_env["KIRBYGEN_TEST_GATE_DIR"])
    with processes() as started:
        api, base = start_serve(production_env, tmp_path / "api.log")
        # Two workers from the start: whichever takes the run is killed, the other resumes it.
        workers = [
            Process(["worker"], production_env, tmp_path / f"worker-{n}.log") for n in (1, 2)
        ]
        started.extend([api, *workers])
        wait_until_ready(api, base)
        client = Client(base)
        client.register("kill@example.com")
        project_id = client.ready_project()
        (gate / "design.hold").touch()
        run_id = client.start_run(project_id)
        with client.watch(project_id, run_id) as socket:
            wait_for_file(gate / "design.entered")
            holder = int((gate / "design.entered").read_text())
            doomed = next(w for w in workers if w.popen.pid == holder)
            doomed.kill()
            (gate / "design.hold").unlink()
            events, end = receive_until_end(socket)

        assert end["run"]["status"] == "succeeded", end
        # The WebSocket opened before the crash saw the resumed run to its end.
        assert started_phases(events) == [
            "ingest",
            "mapping",
            "structuring",
            "design",
            "design",
            "site",
            "versioning",
        ]
        assert completed_phases(events).count("site") == 1
        assert completed_phases(events).count("versioning") == 1  # one commit of the site
        stored = client.events(project_id, run_id)
        assert [e["seq"] for e in stored] == [e["seq"] for e in events]
        assert calls(gate, "structuring") == 1  # finished before the crash: never redone
        assert calls(gate, "design") == 2  # interrupted by the crash: done again
        run = client.run(project_id, run_id)
        assert run["completed_phases"] == PHASES
        assert client.request("GET", f"/api/projects/{project_id}/site.zip").status_code == 200
        client.close()


def _own_folder(env: dict[str, str], folder: Path) -> dict[str, str]:
    return {**env, "KIRBYGEN_DATA_DIR": str(folder)}


def _deployed(client: Client, project_id: str, commit: str) -> dict[str, Any]:
    base = f"/api/projects/{project_id}/deployments"
    started = client.request("POST", base, json={"target": "local"})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found: dict[str, Any] = client.request("GET", f"{base}/{started.json()['id']}").json()
        if found["status"] in ("live", "failed"):
            assert found["status"] == "live", found
            assert found["commit"] == commit
            return found
        time.sleep(0.2)
    raise AssertionError(f"the deployment did not finish in {WAIT_SECONDS}s")


def test_versions_made_by_workers_on_their_own_disks_are_listed_and_deployed_by_the_api(
    tmp_path: Path, production_env: dict[str, str], s3_bucket: S3Options
) -> None:
    _migrate(production_env)
    (Path(production_env["KIRBYGEN_TEST_GATE_DIR"]) / "design.hold").unlink(missing_ok=True)
    with processes() as started:
        api, base = start_serve(_own_folder(production_env, tmp_path / "api"), tmp_path / "a.log")
        first_worker = Process(
            ["worker"], _own_folder(production_env, tmp_path / "worker-1"), tmp_path / "w1.log"
        )
        started.extend([api, first_worker])
        wait_until_ready(api, base)
        client = Client(base)
        client.register("versions@example.com")
        project_id = client.ready_project()
        versions = f"/api/projects/{project_id}/versions"

        first = client.wait_for_run(project_id, client.start_run(project_id))
        assert first["status"] == "succeeded", first
        listed = client.request("GET", versions).json()["items"]
        assert [(v["run_id"], v["commit"]) for v in listed] == [(first["id"], first["commit_id"])]

        # The next run lands on a worker with an empty disk: it builds on the kept history,
        # and the API's copy, now stale, follows.
        first_worker.stop()
        started.append(
            Process(
                ["worker"], _own_folder(production_env, tmp_path / "worker-2"), tmp_path / "w2.log"
            )
        )
        note = ("files", ("studio.md", b"# Studio\n\nA new kiln in Malmo.\n", "text/markdown"))
        added = client.request("POST", f"/api/projects/{project_id}/uploads", files=[note])
        assert added.status_code == 201, added.text
        second = client.wait_for_run(project_id, client.start_run(project_id))
        assert second["status"] == "succeeded", second
        assert second["commit_id"] not in (None, first["commit_id"])
        listed = client.request("GET", versions).json()["items"]
        assert [v["run_id"] for v in listed] == [second["id"], first["id"]]
        diff = client.request("GET", f"{versions}/{first['id']}..{second['id']}")
        assert diff.status_code == 200 and diff.json()["files"], diff.text

        # Deployed by a worker that checks the version out of the kept history.
        assert _deployed(client, project_id, second["commit_id"])["url"]

        kept = S3Storage(s3_bucket)
        try:
            assert f"projects/{project_id}/versions/head" in kept.list(
                f"projects/{project_id}/versions/"
            )
            deleted = client.request("DELETE", f"/api/projects/{project_id}")
            assert deleted.status_code == 204, deleted.text
            assert kept.list(f"projects/{project_id}/versions/") == []
        finally:
            kept.close()
        client.close()
