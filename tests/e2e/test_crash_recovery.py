"""A process killed in the middle of a run (SIGKILL): the run still finishes, without
redoing a finished phase or storing anything twice.

In-process: `kirbygen serve` is killed and started again. With SAQ: the worker is killed
and another one takes over, while a WebSocket held on the API keeps receiving the events.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.processes import (
    Client,
    calls,
    completed_phases,
    gate_plugin_env,
    processes,
    serve,
    started_phases,
    wait_for_file,
)

pytestmark = pytest.mark.slow

FAST_RECOVERY = {
    # A dead process's lease runs out (and its job's heartbeat is late) after 3 s.
    "KIRBYGEN_JOB_HEARTBEAT_SECONDS": "3",
    "KIRBYGEN_QUEUE_SWEEP_SECONDS": "2",
    "KIRBYGEN_SKILLS": "offline",
    "APP_ENV": "test",
    "JWT_SECRET": "e2e-jwt-secret-" + "x" * 32,
    "SESSION_SECRET": "e2e-session-secret-" + "y" * 32,
}


def assert_resumed_without_redoing(
    client: Client, gate: Path, project_id: str, run_id: str
) -> None:
    run = client.wait_for_run(project_id, run_id)
    assert run["status"] == "succeeded", run
    events = client.events(project_id, run_id)
    # The phases finished before the crash were never started again; only the design phase
    # the crash interrupted was.
    assert started_phases(events) == [
        "ingest",
        "mapping",
        "structuring",
        "design",
        "design",
        "site",
        "versioning",
    ]
    assert calls(gate, "structuring") == 1
    assert calls(gate, "design") == 2
    # The site was generated and stored once.
    assert completed_phases(events).count("site") == 1
    assert run["completed_phases"] == [
        "ingest",
        "mapping",
        "structuring",
        "design",
        "site",
        "versioning",
    ]
    assert completed_phases(events).count("versioning") == 1  # one commit of the site
    site = client.request("GET", f"/api/projects/{run['project_id']}/site.zip")
    assert site.status_code == 200 and site.content[:2] == b"PK"


def test_killed_server_resumes_its_run_when_started_again(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    env = {
        **FAST_RECOVERY,
        **gate_plugin_env(tmp_path, gate),
        "KIRBYGEN_DATA_DIR": str(tmp_path / "data"),
    }
    with processes() as started:
        server, base = serve(env, tmp_path / "serve-1.log")
        started.append(server)
        client = Client(base)
        client.register("crash@example.com")
        project_id = client.ready_project()
        (gate / "design.hold").touch()
        run_id = client.start_run(project_id)
        wait_for_file(gate / "design.entered")
        server.kill()
        client.close()
        (gate / "design.hold").unlink()

        server, base = serve(env, tmp_path / "serve-2.log")
        started.append(server)
        client = Client(base)
        client.login("crash@example.com")
        assert_resumed_without_redoing(client, gate, project_id, run_id)
        client.close()
