"""Adapters under contract test, built fresh for each test.

Each fixture is parametrised over every adapter of its port; the tests only see the port.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from adapters.sql.database import create_engine_for, upgrade
from adapters.sql.tables import Base


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(sqlite_url(path))
    return path


@pytest.fixture
def sqlite_engine(migrated_sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "kirbygen.db"
    shutil.copyfile(migrated_sqlite_template, path)
    engine = create_engine_for(sqlite_url(path))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_session_engine(postgres_url: str) -> Iterator[Engine]:
    upgrade(postgres_url)
    engine = create_engine_for(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_engine(postgres_session_engine: Engine) -> Engine:
    """The session's migrated PostgreSQL database, emptied before the test."""
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with postgres_session_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    return postgres_session_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated, empty database of each kind (PostgreSQL skips or fails when unreachable)."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return engine
