"""With SENTRY_DSN set, errors reach Sentry — checked against a fake of its ingestion
endpoint on loopback: a failed run with its stack trace and ids, an unhandled request error
with its request id; tagged, with environment and release, and without personal data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import attrs
import pytest
import sentry_sdk

from config.settings import AppEnv
from entrypoints.error_reporting import start_error_reporting
from tests.fakes.sentry_server import PROJECT, FakeSentry, Received
from tests.http_support import ROOT_DIR, api, make_settings, ready_project, register, wait_for_run
from tests.support.failing import RAISERS, Tripwire, tripwired


@pytest.fixture
def sentry() -> Iterator[FakeSentry]:
    fake = FakeSentry()
    with fake.serve():
        try:
            yield fake
        finally:
            # Reporting stops with the test: the SDK is global to the process.
            sentry_sdk.flush(timeout=5)
            sentry_sdk.get_client().close()
            sentry_sdk.init(dsn=None, default_integrations=False)


def _function_names(event: Received) -> list[str]:
    return [str(frame.get("function")) for frame in event.frames()]


@pytest.mark.server_errors_expected
@pytest.mark.parametrize("where", ["structuring", "setup"])
def test_a_failed_run_reaches_sentry_with_its_trace_and_ids(
    tmp_path: Path, sentry: FakeSentry, where: str
) -> None:
    settings = attrs.evolve(
        make_settings(tmp_path), sentry_dsn=sentry.dsn(), app_env=AppEnv.PRODUCTION
    )
    start_error_reporting(settings)
    assert sentry_sdk.get_client().should_send_default_pii() is False
    tripwire = Tripwire(where)
    with api(settings, tripwired(settings, tripwire)) as client:
        headers = register(client, "s@example.com")
        project_id = ready_project(client, headers)
        tripwire.armed = True
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=headers).json()["id"]
        assert wait_for_run(client, headers, project_id, run_id)["status"] == "failed"
        sentry_sdk.flush(timeout=10)

    (event,) = [e for e in sentry.wait_for(1) if e.tags.get("run_id") == run_id]
    assert event.project == PROJECT
    assert event.tags["project_id"] == project_id and event.tags["phase"] == where
    assert event.tags["job_id"]
    assert event.event["level"] == "error"
    assert event.event["environment"] == "production"
    assert event.event["release"] == f"kirby-gen@{version('kirby-gen')}"
    assert RAISERS[where].__name__ in _function_names(event)
    assert event.exception_types()[-1] == "PhaseFailed" and "KeyError" in event.exception_types()
    # No personal data: no user, no request body, no local variables of the frames.
    assert "user" not in event.event or not event.event["user"].get("email")
    assert all("vars" not in frame for frame in event.frames())


@pytest.mark.server_errors_expected
def test_an_unhandled_request_error_reaches_sentry_with_its_request_id(
    tmp_path: Path, sentry: FakeSentry
) -> None:
    settings = attrs.evolve(make_settings(tmp_path), sentry_dsn=sentry.dsn())
    start_error_reporting(settings)
    tripwire = Tripwire("request", only_in_jobs=False)
    with api(settings, tripwired(settings, tripwire)) as client:
        headers = register(client, "u@example.com")
        tripwire.armed = True
        answer = client.get("/api/projects", headers={**headers, "X-Request-ID": "req-sentry-1"})
        assert answer.status_code == 500
        assert answer.json()["error"]["code"] == "internal_error"
        sentry_sdk.flush(timeout=10)

    (event,) = sentry.wait_for(1)
    assert event.tags["request_id"] == "req-sentry-1"
    assert event.event["environment"] == "test"
    assert "request_went_wrong" in _function_names(event)
    assert "authorization" not in str(event.event).lower()


def test_without_a_dsn_sentry_is_never_imported(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from entrypoints.cli import main\n"
        "code = main(['plugins'])\n"
        "print(code, 'sentry_sdk' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT_DIR,
        env={"PATH": "/usr/bin:/bin", "KIRBYGEN_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "0 False", done.stderr
