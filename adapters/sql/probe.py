"""Readiness probe for the database."""

from __future__ import annotations

from sqlalchemy import Engine, text


class DatabaseProbe:
    """``SELECT 1`` on a pooled connection (pre-pinged, so a dead one is replaced)."""

    name = "database"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def check(self) -> None:
        with self._engine.connect() as connection:
            connection.execute(text("SELECT 1"))
