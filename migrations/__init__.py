"""Alembic environment and revisions for the SQL adapters (SQLite and PostgreSQL)."""
