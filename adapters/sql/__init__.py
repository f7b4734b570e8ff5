"""SQLAlchemy adapters: tables, project repository and session store (SQLite, PostgreSQL)."""
