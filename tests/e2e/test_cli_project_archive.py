"""``kirbygen export`` and ``kirbygen import`` end to end, on SQLite with local files and on
PostgreSQL with S3: a project made through the API (uploads, a finished run with its site, a
version, a local deployment) is exported, deleted, and imported into a fresh installation,
where its rows, stored bytes and history are identical and its owner logs in again."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from adapters.s3.storage import S3Options, make_client
from config.container import Container, build_container
from config.settings import load_settings
from domain.project_records import ProjectRecords
from entrypoints.cli import main as cli
from tests.conftest import postgres_database
from tests.http_support import PASSWORD, api, ready_project, register, wait_for_run
from tests.support.git_tool import require_git
from tests.support.real_kirby import require_real_kirby

pytestmark = pytest.mark.slow
WAIT_SECONDS = 60
# Settings of the developer's shell that would point an installation elsewhere.
CLEARED = (
    "APP_ENV",
    "DATABASE_URL",
    "STORAGE_TYPE",
    "QUEUE_URL",
    "REDIS_URL",
    "SESSION_BACKEND",
    "KIRBYGEN_GIT_DIR",
    "GIT_REMOTE_URL",
    "DEPLOY_TYPE",
)


def _bucket(endpoint: str, stack: ExitStack) -> dict[str, str]:
    options = S3Options(
        f"kirbygen-test-{uuid.uuid4().hex[:12]}",
        "us-east-1",
        "test-key",
        "test-secret",
        endpoint=endpoint,
        path_style=True,
    )
    client = make_client(options)
    client.create_bucket(Bucket=options.bucket)

    def remove() -> None:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=options.bucket):
            for item in page.get("Contents") or ():
                client.delete_object(Bucket=options.bucket, Key=item["Key"])
        client.delete_bucket(Bucket=options.bucket)
        client.close()

    stack.callback(remove)
    return {
        "STORAGE_TYPE": "s3",
        "S3_BUCKET": options.bucket,
        "S3_ENDPOINT": endpoint,
        "S3_REGION": options.region,
        "S3_ACCESS_KEY_ID": options.access_key_id,
        "S3_SECRET_ACCESS_KEY": options.secret_access_key,
        "S3_FORCE_PATH_STYLE": "true",
    }


@pytest.fixture(params=["sqlite-local", "postgresql-s3", "sqlite-local-to-postgresql-s3"])
def installations(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """The environments of two installations: the one exported from, and a fresh one (the
    last case moves a project from a laptop to the cloud setup)."""
    envs = [{"KIRBYGEN_DATA_DIR": str(tmp_path / name)} for name in ("old", "new")]
    cloud = {"sqlite-local": [], "postgresql-s3": envs, "sqlite-local-to-postgresql-s3": envs[1:]}
    with ExitStack() as stack:
        if cloud[request.param]:
            admin: str = request.getfixturevalue("postgres_admin_url")
            endpoint: str = request.getfixturevalue("s3_endpoint")
            for env in cloud[request.param]:
                url = stack.enter_context(postgres_database(admin))
                env["DATABASE_URL"] = url.replace("postgresql://", "postgres://")
                env.update(_bucket(endpoint, stack))
        yield envs[0], envs[1]


def _use(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Container:
    for name in (*CLEARED, "S3_BUCKET", "S3_ENDPOINT", "S3_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return build_container(load_settings())


def _snapshot(container: Container, project_id: str) -> tuple[Any, ...]:
    records = container.project_records().read(project_id)
    storage = container.storage()
    # The kept history (a bundle, bytes that may differ) is compared as commits below.
    objects = {
        key: storage.get(key)
        for key in storage.list(f"projects/{project_id}/")
        if not key.startswith(f"projects/{project_id}/versions/")
    }
    versions = container.site_versions()
    return records, objects, versions.git.history(versions.checkout(project_id))


def _deploy_locally(client: TestClient, headers: dict[str, str], base: str) -> dict[str, Any]:
    started = client.post(f"{base}/deployments", json={"target": "local"}, headers=headers)
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found: dict[str, Any] = client.get(
            f"{base}/deployments/{started.json()['id']}", headers=headers
        ).json()
        if found["status"] not in ("queued", "deploying"):
            assert found["status"] == "live", found
            stopped = client.delete(f"{base}/deployments/{found['id']}", headers=headers)
            assert stopped.status_code == 200, stopped.text
            return found
        time.sleep(0.05)
    raise AssertionError("the deployment did not finish")


def test_a_project_survives_export_deletion_and_import_into_a_fresh_installation(
    installations: tuple[dict[str, str], dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    require_git()
    core = require_real_kirby()
    old_env, new_env = installations
    monkeypatch.setenv("KIRBYGEN_KIRBY_CORE", str(core))
    monkeypatch.setenv("KIRBYGEN_DISABLE_PLUGINS", "1")
    archive = tmp_path / "mara.zip"

    container = _use(monkeypatch, old_env)
    settings = container.settings()
    with api(settings, container) as client:
        headers = register(client, "mara@example.com")
        project_id = ready_project(client, headers)
        base = f"/api/projects/{project_id}"
        started = client.post(f"{base}/runs", headers=headers)
        assert started.status_code == 202, started.text
        run = wait_for_run(client, headers, project_id, started.json()["id"])
        assert run["status"] == "succeeded", run
        _deploy_locally(client, headers, base)
        records, objects, history = _snapshot(container, project_id)
        assert isinstance(records, ProjectRecords)
        assert records.uploads and records.runs and records.events and records.deployments
        assert f"projects/{project_id}/outputs/site.zip" in objects and len(history) == 1

        assert cli(["export", project_id, "--out", str(archive)]) == 0
        assert capsys.readouterr().out.startswith(f"exported project {project_id} to {archive}")
        assert cli(["export", project_id, "--out", str(archive)]) == 2  # never overwritten
        assert "exists" in capsys.readouterr().err

        assert client.delete(base, headers=headers).status_code == 204
        assert container.project_records().read(project_id) is None

    fresh = _use(monkeypatch, new_env)
    try:
        assert cli(["import", str(archive)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"imported project {project_id}: {len(objects)} stored objects")
        assert _snapshot(fresh, project_id) == (records, objects, history)

        # Imported once more: refused, and with --replace the same project again.
        assert cli(["import", str(archive)]) == 1
        assert "already exists here; --replace" in capsys.readouterr().err
        assert cli(["import", str(archive), "--replace"]) == 0
        assert _snapshot(fresh, project_id) == (records, objects, history)
    finally:
        fresh.shutdown_resources()

    container = _use(monkeypatch, new_env)
    with api(container.settings(), container) as client:
        login = client.post(
            "/api/auth/login", json={"email": "mara@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        listed = client.get("/api/projects", headers=headers).json()["items"]
        assert [p["id"] for p in listed] == [project_id]
        site = client.get(f"/api/projects/{project_id}/site.zip", headers=headers)
        assert site.status_code == 200
        assert site.content == objects[f"projects/{project_id}/outputs/site.zip"]
        versions = client.get(f"/api/projects/{project_id}/versions", headers=headers).json()
        assert [v["commit"] for v in versions["items"]] == [c.id for c in history]


def test_a_bad_archive_is_one_line_and_exit_code_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, {"KIRBYGEN_DATA_DIR": str(tmp_path / "data")}).shutdown_resources()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert cli(["import", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kirbygen: not a readable archive (zip)")
    assert cli(["import", str(tmp_path / "missing.zip")]) == 2
    assert cli(["export", "no-such-project", "--out", str(tmp_path / "x.zip")]) == 1
    assert capsys.readouterr().err.strip().endswith("no project 'no-such-project'")
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.partial").exists()
