"""Alembic revisions, applied in order by ``adapters.sql.database.upgrade``."""
