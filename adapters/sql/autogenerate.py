"""Hooks for alembic's autogenerate, kept importable so tests can check them."""

from __future__ import annotations

from typing import Any, Literal

from alembic.autogenerate.api import AutogenContext

from adapters.sql.types import UtcDateTime

# SAQ creates and migrates its own tables when its queue runs on PostgreSQL.
FOREIGN_TABLE_PREFIXES = ("saq_",)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave tables owned by other tools out of autogenerate (they are not in our metadata,
    so alembic would otherwise propose dropping them)."""
    if type_ == "table" and name is not None:
        return not name.startswith(FOREIGN_TABLE_PREFIXES)
    return True


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write the adapter's own column types as plain SQLAlchemy types in new revisions, so
    revisions never import application code."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False
