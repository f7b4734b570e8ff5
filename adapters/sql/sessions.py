"""``SessionStore`` on a SQL table with expiry times (SQLite locally, PostgreSQL in the cloud)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, Insert, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sql.database import Transactions
from adapters.sql.tables import SessionRow
from domain.ports import Clock


class SqlSessionStore:
    """Values expire ``ttl_seconds`` after they were put.

    Expired rows read as missing. They are purged lazily: the one found by ``get`` at once,
    all others on the next ``put`` (or by calling ``purge_expired``), so no sweeper is needed.
    """

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._tx = Transactions(engine)
        self._clock = clock

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        now = self._clock.now()
        statement = self._upsert(key, bytes(value), now + timedelta(seconds=ttl_seconds))
        with self._tx.write() as session:
            session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
            session.execute(statement)

    def _insert(
        self, key: str, value: bytes, expires_at: datetime
    ) -> postgresql.Insert | sqlite.Insert:
        dialect = self._engine.dialect.name
        insert: postgresql.Insert | sqlite.Insert
        if dialect == "postgresql":
            insert = postgresql.insert(SessionRow)
        elif dialect == "sqlite":
            insert = sqlite.insert(SessionRow)
        else:
            raise NotImplementedError(f"no session upsert for the {dialect!r} database")
        return insert.values(key=key, value=value, expires_at=expires_at)

    def _upsert(self, key: str, value: bytes, expires_at: datetime) -> Insert:
        # A native upsert: two requests saving the same session must not collide on the key.
        insert = self._insert(key, value, expires_at)
        return insert.on_conflict_do_update(
            index_elements=[SessionRow.key],
            set_={"value": insert.excluded.value, "expires_at": insert.excluded.expires_at},
        )

    def get(self, key: str) -> bytes | None:
        now = self._clock.now()
        with self._tx.read() as session:
            row = session.get(SessionRow, key)
            if row is None:
                return None
            if row.expires_at > now:
                return row.value
        self._purge_key(key, now)
        return None

    def delete(self, key: str) -> None:
        with self._tx.write() as session:
            session.execute(delete(SessionRow).where(SessionRow.key == key))

    def put_if(self, key: str, value: bytes, ttl_seconds: int, *, expected: bytes | None) -> bool:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        now = self._clock.now()
        expires_at = now + timedelta(seconds=ttl_seconds)
        with self._tx.write() as session:
            if expected is None:
                # An expired row counts as absent; the insert then meets no conflict, and of two
                # racing inserts the primary key lets one through.
                session.execute(
                    delete(SessionRow).where(SessionRow.key == key, SessionRow.expires_at <= now)
                )
                inserted = session.scalar(
                    self._insert(key, bytes(value), expires_at)
                    .on_conflict_do_nothing(index_elements=[SessionRow.key])
                    .returning(SessionRow.key)
                )
                return inserted is not None
            changed = session.execute(
                update(SessionRow)
                .where(
                    SessionRow.key == key,
                    SessionRow.value == bytes(expected),
                    SessionRow.expires_at > now,
                )
                .values(value=bytes(value), expires_at=expires_at)
            )
            return bool(changed.rowcount)  # type: ignore[attr-defined]

    def delete_if(self, key: str, expected: bytes) -> bool:
        now = self._clock.now()
        with self._tx.write() as session:
            result = session.execute(
                delete(SessionRow).where(
                    SessionRow.key == key,
                    SessionRow.value == bytes(expected),
                    SessionRow.expires_at > now,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def purge_expired(self) -> int:
        """Delete every expired row now; returns how many."""
        with self._tx.write() as session:
            result = session.execute(
                delete(SessionRow).where(SessionRow.expires_at <= self._clock.now())
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def _purge_key(self, key: str, now: datetime) -> None:
        # Re-checked under the write lock: the key may have been renewed meanwhile.
        with self._tx.write() as session:
            session.execute(
                delete(SessionRow).where(SessionRow.key == key, SessionRow.expires_at <= now)
            )
