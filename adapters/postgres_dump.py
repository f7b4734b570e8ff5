"""``DatabaseDumper`` on PostgreSQL's own tools: ``pg_dump --format=custom`` and ``pg_restore``.

The dump streams out of pg_dump's stdout and a restore or check streams into pg_restore's
stdin, so no dump is ever held in memory or on disk here. The password never appears on a
command line (where ``ps`` would show it): the tools get a URL without it and read
``PGPASSWORD`` from their environment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

import psycopg
from sqlalchemy.engine import make_url

from adapters.sql.database import normalize_url
from domain.errors import DumpFailed

CHUNK_BYTES = 1024 * 1024
CONNECT_TIMEOUT_SECONDS = 10
# How much of a tool's error output a failure message quotes.
ERROR_TAIL_CHARS = 400


def libpq_connection(database_url: str) -> tuple[str, str | None]:
    """A ``postgresql://`` URL without its password (any ``postgres://`` or
    ``postgresql+driver://`` spelling), and the password apart."""
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() != "postgresql":
        raise DumpFailed(f"not a PostgreSQL URL: {url.render_as_string(hide_password=True)}")
    bare = url.set(drivername="postgresql", password=None)
    return bare.render_as_string(hide_password=False), url.password


class PgDumpTool:
    """Dumps, checks and restores the database at ``database_url``."""

    def __init__(self, database_url: str, *, bin_dir: Path | None = None) -> None:
        self._url, password = libpq_connection(database_url)
        self._bin_dir = bin_dir
        self._env = dict(os.environ, PGCONNECT_TIMEOUT=str(CONNECT_TIMEOUT_SECONDS))
        self._env.pop("PGPASSWORD", None)
        if password:
            self._env["PGPASSWORD"] = password
        self._password = password

    def _tool(self, name: str) -> str:
        found = shutil.which(name, path=str(self._bin_dir) if self._bin_dir else None)
        if found is None:
            where = f"in {self._bin_dir}" if self._bin_dir else "on PATH"
            raise DumpFailed(
                f"{name} is not installed {where}: install the PostgreSQL client "
                "(postgresql-client) or set BACKUP_PG_BIN_DIR to its folder"
            )
        return found

    @contextmanager
    def dump(self) -> Iterator[BinaryIO]:
        command = [self._tool("pg_dump"), "--format=custom", "--no-password", "--dbname", self._url]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, env=self._env
            )
            assert process.stdout is not None
            try:
                yield process.stdout  # type: ignore[misc]
            except BaseException:
                process.kill()
                process.wait()
                raise
            finally:
                process.stdout.close()
            code = process.wait()
            if code != 0:
                raise DumpFailed(f"pg_dump failed (exit {code}): {_tail(errors)}")

    def check(self, dump: BinaryIO) -> None:
        # Writing the restore script to nowhere reads every entry, data included: a dump cut
        # short fails here even when its table of contents is whole.
        self._feed([self._tool("pg_restore"), f"--file={os.devnull}"], dump)

    def restore(self, dump: BinaryIO) -> None:
        tables = self._user_tables()
        if tables:
            raise DumpFailed(
                f"the database already holds {tables} table(s); restore into a new, empty "
                "database (point DATABASE_URL at it)"
            )
        self._feed(
            [
                self._tool("pg_restore"),
                "--no-password",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                self._url,
            ],
            dump,
        )

    def _user_tables(self) -> int:
        try:
            with psycopg.connect(
                self._url, password=self._password, connect_timeout=CONNECT_TIMEOUT_SECONDS
            ) as connection:
                row = connection.execute(
                    "SELECT count(*) FROM pg_tables "
                    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                ).fetchone()
        except psycopg.Error as exc:
            raise DumpFailed(f"cannot reach the database: {' '.join(str(exc).split())}") from None
        return int(row[0]) if row else 0

    def _feed(self, command: list[str], source: BinaryIO) -> None:
        name = Path(command[0]).name
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
                env=self._env,
            )  # fmt: skip
            assert process.stdin is not None
            try:
                while chunk := source.read(CHUNK_BYTES):
                    process.stdin.write(chunk)
            except BrokenPipeError:
                pass  # the tool stopped reading: its exit code and message say why
            except BaseException:
                process.kill()
                process.wait()
                raise
            finally:
                _close_quietly(process.stdin)
            code = process.wait()
            if code != 0:
                raise DumpFailed(f"{name} failed (exit {code}): {_tail(errors)}")


def _close_quietly(stream: IO[bytes]) -> None:
    with contextlib.suppress(BrokenPipeError):  # unflushed bytes the tool no longer wanted
        stream.close()


def _tail(errors: IO[bytes]) -> str:
    errors.seek(0)
    text = errors.read().decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    tail = " | ".join(lines[-3:]) or "no message"
    return tail[-ERROR_TAIL_CHARS:]
