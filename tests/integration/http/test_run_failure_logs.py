"""A run that fails — in any phase, before the phases or after them — is logged as one JSON
line with the full stack trace, the run, project and job ids and the right phase; the run's
record names the same phase with a short message for a person, never the trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.http_support import api, make_settings, ready_project, register, wait_for_run
from tests.support.failing import RAISERS, Tripwire, json_log, lines, tripwired


@pytest.mark.server_errors_expected  # every run here fails on purpose
@pytest.mark.parametrize("where", [w for w in RAISERS if w != "request"])
def test_a_failed_run_is_logged_with_its_trace_ids_and_the_right_phase(
    tmp_path: Path, where: str
) -> None:
    tripwire = Tripwire(where)
    with (
        api(make_settings(tmp_path), tripwired(make_settings(tmp_path), tripwire)) as client,
        json_log() as stream,
    ):
        headers = register(client, "f@example.com")
        project_id = ready_project(client, headers)
        tripwire.armed = True
        started = client.post(f"/api/projects/{project_id}/runs", headers=headers)
        run_id = started.json()["id"]
        run = wait_for_run(client, headers, project_id, run_id)

    assert not tripwire.armed, "the tripwire never fired"
    assert run["status"] == "failed"
    assert run["failure"] == {
        "phase": where,
        "code": "internal_error",
        "message": "KeyError: 'x'",
    }
    logged = lines(stream)
    failed = [e for e in logged if e["message"].startswith(f"run {run_id} failed")]
    assert len(failed) == 1, logged
    entry = failed[0]
    assert entry["level"] == "error" and entry["logger"] == "application.run_job"
    assert (entry["run_id"], entry["project_id"], entry["phase"]) == (run_id, project_id, where)
    assert entry["job_id"] and "timestamp" in entry
    assert f"in {RAISERS[where].__name__}" in entry["stack"]
    assert "KeyError: 'x'" in entry["stack"]
    # A line written inside the run's thread carries the same ids: they follow the work.
    (before,) = [e for e in logged if e["message"] == f"about to fail in {where}"]
    assert (before["run_id"], before["project_id"], before["phase"]) == (run_id, project_id, where)
    assert before["job_id"] == entry["job_id"]
    # The access log of the request that started the run has the request id, not the run's.
    (access,) = [e for e in logged if e.get("path") == f"/api/projects/{project_id}/runs"]
    assert access["request_id"] == started.headers["x-request-id"] and "run_id" not in access
    assert access["project_id"] == project_id


@pytest.mark.parametrize("given", [None, "trace-me-123"])
def test_request_log_lines_carry_the_request_id_of_the_response(
    tmp_path: Path, given: str | None
) -> None:
    with api(make_settings(tmp_path)) as client, json_log() as stream:
        answer = client.get(
            "/api/health", headers={"X-Request-ID": given} if given is not None else {}
        )
    request_id = answer.headers["x-request-id"]
    assert request_id == (given or request_id) and len(request_id) >= 8
    (access,) = [e for e in lines(stream) if e.get("path") == "/api/health"]
    assert access["request_id"] == request_id
    assert access["status"] == 200 and access["method"] == "GET"
    assert "project_id" not in access
