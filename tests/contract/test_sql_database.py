"""Engines and migrations of the SQL adapters, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from adapters.sql.autogenerate import include_object
from adapters.sql.database import (
    alembic_config,
    create_engine_for,
    normalize_url,
    upgrade,
    upgrade_engine,
)
from adapters.sql.repository import SqlProjectRepository
from adapters.sql.tables import Base
from domain.project import EventStatus, Phase, ProgressEvent, Project, ProjectStatus, Run, RunStatus

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def sqlite_file_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'nested' / 'db.sqlite'}")
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db?sslmode=require", "postgresql+psycopg://u@h/db?sslmode=require"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///data/kirbygen.db", "sqlite:///data/kirbygen.db"),
    ],
)
def test_postgresql_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_postgresql_engines_use_psycopg_with_pre_ping() -> None:
    engine = create_engine_for("postgresql://user@127.0.0.1:1/none")
    try:
        assert engine.dialect.driver == "psycopg"
        assert engine.pool._pre_ping
    finally:
        engine.dispose()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    sqlite_file_engine: Engine,
) -> None:
    with sqlite_file_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_sqlite_folder_is_created(tmp_path: Path, sqlite_file_engine: Engine) -> None:
    with sqlite_file_engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert (tmp_path / "nested" / "db.sqlite").exists()


def test_an_in_memory_database_is_shared_by_the_engine() -> None:
    engine = create_engine_for("sqlite://")
    try:
        upgrade_engine(engine)
        assert "projects" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migrations_match_the_tables(sql_engine: Engine) -> None:
    with sql_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_autogenerate_ignores_saq_tables(sql_engine: Engine) -> None:
    with sql_engine.begin() as connection:
        connection.execute(text("CREATE TABLE saq_jobs (key VARCHAR(64) PRIMARY KEY)"))
    try:
        with sql_engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        with sql_engine.begin() as connection:
            connection.execute(text("DROP TABLE saq_jobs"))


def test_upgrade_is_idempotent_and_downgrade_removes_everything(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = create_engine_for(url)
    try:
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    upgrade(url)


def test_upgrade_and_downgrade_on_postgresql(fresh_postgres_url: str) -> None:
    # The shared session database stays at head; this one goes down and up again.
    upgrade(fresh_postgres_url)
    command.downgrade(alembic_config(fresh_postgres_url), "base")
    engine = create_engine_for(fresh_postgres_url)
    try:
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    upgrade(fresh_postgres_url)


def test_concurrent_appends_get_distinct_sequence_numbers(sql_engine: Engine) -> None:
    repo = SqlProjectRepository(sql_engine)
    repo.add_project(
        Project(
            id="p1",
            name="P",
            owner_id="u1",
            status=ProjectStatus.GENERATING,
            created=T0,
            updated=T0,
        )
    )
    repo.add_run(Run(id="r1", project_id="p1", status=RunStatus.RUNNING, created=T0))

    def append(n: int) -> int:
        stored = repo.append_event(
            ProgressEvent(
                run_id="r1",
                phase=Phase.DESIGN,
                status=EventStatus.PROGRESS,
                percent=n % 100,
                message=str(n),
                ts=T0,
            )
        )
        return stored.seq

    with ThreadPoolExecutor(max_workers=4) as pool:
        seqs = list(pool.map(append, range(40)))
    assert sorted(seqs) == list(range(1, 41))
    assert [e.seq for e in repo.list_events("r1")] == list(range(1, 41))
