"""``kirbygen backup`` against the local PostgreSQL and a moto S3 server: the dump lands in the
backup bucket under a UTC timestamp, is verified, old dumps are pruned, and ``--restore``
brings the rows back into a fresh database. Every failure exits non-zero, says why in one
line, and leaves no partial dump behind."""

from __future__ import annotations

import hashlib
import socket
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from adapters.s3.storage import S3Options, make_client
from adapters.sql.database import create_engine_for, upgrade
from adapters.sql.repository import SqlProjectRepository
from domain.project import Membership, Project, ProjectStatus, Role, User
from entrypoints.cli import main as cli
from tests.conftest import postgres_database

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def backup_env(
    monkeypatch: pytest.MonkeyPatch, s3_bucket: S3Options, fresh_postgres_url: str, tmp_path: Path
) -> S3Options:
    for name in ("APP_ENV", "STORAGE_TYPE", "QUEUE_URL", "REDIS_URL", "BACKUP_PG_BIN_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIRBYGEN_DATA_DIR", str(tmp_path / "data"))
    # Render's spelling of the URL: pg_dump must be given the plain libpq form of it.
    monkeypatch.setenv("DATABASE_URL", fresh_postgres_url.replace("postgresql://", "postgres://"))
    monkeypatch.setenv("BACKUP_S3_BUCKET", s3_bucket.bucket)
    monkeypatch.setenv("BACKUP_S3_ENDPOINT", s3_bucket.endpoint)
    monkeypatch.setenv("BACKUP_S3_REGION", s3_bucket.region)
    monkeypatch.setenv("BACKUP_S3_ACCESS_KEY_ID", s3_bucket.access_key_id)
    monkeypatch.setenv("BACKUP_S3_SECRET_ACCESS_KEY", s3_bucket.secret_access_key)
    monkeypatch.setenv("BACKUP_S3_FORCE_PATH_STYLE", "true")
    monkeypatch.setenv("BACKUP_S3_PREFIX", "nightly")
    monkeypatch.setenv("BACKUP_KEEP_DAYS", "7")
    return s3_bucket


@pytest.fixture
def client(backup_env: S3Options) -> Iterator[object]:
    s3 = make_client(backup_env)
    yield s3
    s3.close()


def _seed(url: str) -> Project:
    upgrade(url)
    engine = create_engine_for(url)
    try:
        repository = SqlProjectRepository(engine)
        repository.add_user(User("u-1", "owner@example.com", "hash-1"))
        project = Project("p-1", "Backed up", "u-1", ProjectStatus.DRAFT, NOW, NOW, ("#112233",))
        repository.add_project(project, [Membership("p-1", "u-1", Role.OWNER)])
        return project
    finally:
        engine.dispose()


def _keys(client: object, bucket: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket)  # type: ignore[attr-defined]
    return sorted(item["Key"] for item in listed.get("Contents") or ())


def test_backup_uploads_a_verified_dump_prunes_old_ones_and_restores_into_a_fresh_database(
    *,
    backup_env: S3Options,
    client: object,
    fresh_postgres_url: str,
    postgres_admin_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _seed(fresh_postgres_url)
    bucket = backup_env.bucket
    old = (datetime.now(UTC) - timedelta(days=8)).strftime("%Y%m%dT%H%M%SZ")
    recent = (datetime.now(UTC) - timedelta(days=6)).strftime("%Y%m%dT%H%M%SZ")
    for key in (f"nightly/kirbygen-{old}.dump", f"nightly/kirbygen-{recent}.dump", "nightly/notes"):
        client.put_object(Bucket=bucket, Key=key, Body=b"x")  # type: ignore[attr-defined]

    assert cli(["backup"]) == 0
    out = capsys.readouterr().out.splitlines()

    keys = _keys(client, bucket)
    new = [k for k in keys if k.startswith("nightly/kirbygen-") and k not in (
        f"nightly/kirbygen-{recent}.dump",)]  # fmt: skip
    assert len(new) == 1, keys
    dump_key = new[0]
    assert f"nightly/kirbygen-{old}.dump" not in keys  # older than BACKUP_KEEP_DAYS
    assert f"nightly/kirbygen-{recent}.dump" in keys and "nightly/notes" in keys
    body = client.get_object(Bucket=bucket, Key=dump_key)["Body"].read()  # type: ignore[attr-defined]
    assert body.startswith(b"PGDMP")  # pg_dump's custom format
    assert out[0].startswith("bucket reachable: 2 earlier dump(s)")
    digest = hashlib.sha256(body).hexdigest()
    assert f"uploaded {dump_key}: {len(body)} bytes, sha256 {digest}" in out
    assert any(line.startswith(f"verified {dump_key}") for line in out)
    assert out[-1] == f"pruned 1 dump(s) older than 7 day(s): nightly/kirbygen-{old}.dump"

    assert cli(["backup", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == [dump_key, f"nightly/kirbygen-{recent}.dump"]

    with postgres_database(postgres_admin_url) as target:
        monkeypatch.setenv("DATABASE_URL", target)
        assert cli(["backup", "--restore", dump_key.removeprefix("nightly/")]) == 0
        engine = create_engine_for(target)
        try:
            restored = SqlProjectRepository(engine)
            assert restored.get_project("p-1") == project
            assert restored.list_members("p-1") == [Membership("p-1", "u-1", Role.OWNER)]
            assert restored.get_user("u-1") == User("u-1", "owner@example.com", "hash-1")
        finally:
            engine.dispose()

        # A second restore into the same, no longer empty, database is refused.
        assert cli(["backup", "--restore", dump_key]) == 1
        assert "already holds" in capsys.readouterr().err


def test_backup_refuses_to_run_without_its_settings(
    backup_env: S3Options, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BACKUP_S3_BUCKET")
    monkeypatch.delenv("BACKUP_S3_SECRET_ACCESS_KEY")
    assert cli(["backup"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "kirbygen: backup needs: set BACKUP_S3_BUCKET, BACKUP_S3_SECRET_ACCESS_KEY"


def test_a_missing_pg_dump_fails_with_one_line_and_uploads_nothing(
    backup_env: S3Options,
    client: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("BACKUP_PG_BIN_DIR", str(empty))
    assert cli(["backup"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"kirbygen: pg_dump is not installed in {empty}")
    assert _keys(client, backup_env.bucket) == []


def test_a_failing_pg_dump_leaves_no_dump_behind(
    backup_env: S3Options,
    client: object,
    fresh_postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = make_url(fresh_postgres_url).set(database="kirbygen_no_such_database")
    monkeypatch.setenv("DATABASE_URL", missing.render_as_string(hide_password=False))
    assert cli(["backup"]) == 1
    captured = capsys.readouterr()
    assert "pg_dump failed (exit 1)" in captured.err and "kirbygen_no_such_database" in captured.err
    assert "verified" not in captured.out
    assert _keys(client, backup_env.bucket) == []


def test_a_dump_cut_short_is_never_reported_as_a_backup(
    *,
    backup_env: S3Options,
    client: object,
    fresh_postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A pg_dump that writes part of a dump and dies: the upload finishes, the exit code
    decides, and the partial object is deleted."""
    _seed(fresh_postgres_url)
    capsys.readouterr()  # the seeding's migration log lines
    tools = tmp_path / "tools"
    tools.mkdir()
    script = tools / "pg_dump"
    script.write_text("#!/bin/sh\nprintf 'PGDMP partial'\necho 'connection lost' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BACKUP_PG_BIN_DIR", str(tools))
    assert cli(["backup"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == "kirbygen: pg_dump failed (exit 3): connection lost"
    assert "deleted the unfinished dump" in captured.out
    assert _keys(client, backup_env.bucket) == []


def test_an_unreachable_bucket_fails_before_dumping(
    backup_env: S3Options, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A port bound but not listening refuses connections for as long as the socket is open.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("BACKUP_S3_ENDPOINT", f"http://127.0.0.1:{closed.getsockname()[1]}")
        assert cli(["backup"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("kirbygen: listing the backup bucket failed: ")
    assert "Could not connect" in captured.err
    assert "dumping" not in captured.out
