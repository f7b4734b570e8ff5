"""Engines, transactions and migrations for SQLite (local) and PostgreSQL (cloud).

New revisions are generated programmatically, for example::

    from alembic import command
    command.revision(alembic_config(url), "add x", autogenerate=True)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent

DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 10
DEFAULT_POOL_TIMEOUT_SECONDS = 30.0
DEFAULT_POOL_RECYCLE_SECONDS = 1800
DEFAULT_CONNECT_TIMEOUT_SECONDS = 5
DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5000

# Execution option marking a connection whose transactions will write (see _begin_sqlite).
WRITE_OPTION = "kirbygen_write"
# Execution option marking a connection that runs single SELECTs (see Transactions.single_read).
SINGLE_STATEMENT_OPTION = "kirbygen_single_statement"


def normalize_url(url: str) -> str:
    """PostgreSQL URLs (including Render's ``postgres://``) go through psycopg 3."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def create_engine_for(
    url: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    max_overflow: int = DEFAULT_MAX_OVERFLOW,
    pool_timeout: float = DEFAULT_POOL_TIMEOUT_SECONDS,
    pool_recycle: int = DEFAULT_POOL_RECYCLE_SECONDS,
    pool_pre_ping: bool = True,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT_SECONDS,
    sqlite_busy_timeout_ms: int = DEFAULT_SQLITE_BUSY_TIMEOUT_MS,
    echo: bool = False,
) -> Engine:
    """An engine configured for this project; the caller disposes of it."""
    sa_url = make_url(normalize_url(url))
    if sa_url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, sa_url.database, sqlite_busy_timeout_ms, echo)
    return create_engine(
        sa_url,
        # Pre-ping replaces connections the server or a proxy closed while idle (and after
        # an outage) instead of failing the request that drew them.
        pool_pre_ping=pool_pre_ping,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
        # An unreachable server fails fast (503) instead of hanging the request.
        connect_args={"connect_timeout": connect_timeout},
        echo=echo,
    )


def _sqlite_engine(url: str, database: str | None, busy_timeout_ms: int, echo: bool) -> Engine:
    in_memory = not database or database == ":memory:"
    kwargs: dict[str, Any] = {"echo": echo}
    if in_memory:
        # One shared connection, or every pooled connection would see its own empty database.
        kwargs |= {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    elif database is not None and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take BEGIN away from the sqlite3 module (it skips it before SELECTs); _begin_sqlite
        # emits it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                # WAL lets readers proceed while one connection writes.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_sqlite(connection: Connection) -> None:
        # A deferred transaction that reads and then writes cannot wait for another writer
        # (SQLite reports "database is locked" at once); BEGIN IMMEDIATE takes the write lock
        # up front and so honours busy_timeout.
        options = connection.get_execution_options()
        if options.get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(SINGLE_STATEMENT_OPTION):  # one SELECT is atomic by itself
            connection.exec_driver_sql("BEGIN")

    return engine


class Transactions:
    """Read and write ORM sessions for one engine, each used as a single transaction."""

    def __init__(self, engine: Engine) -> None:
        self._single_read = engine.execution_options(**{SINGLE_STATEMENT_OPTION: True})
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read.begin() as session:
            yield session

    @contextmanager
    def single_read(self) -> Iterator[Connection]:
        """A Core connection (no ORM session) for a hot read of one statement: SQLite runs it
        without an explicit transaction, which would cost as much as the read."""
        with self._single_read.connect() as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._write.begin() as session:
            yield session


# --- migrations -------------------------------------------------------------------------------


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration without an ini file, pointing at the installed migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # configparser treats '%' as interpolation; URL-encoded passwords contain it.
        config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate the engine's database to ``revision`` inside one transaction."""
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (default: the latest)."""
    engine = create_engine_for(url)
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()
