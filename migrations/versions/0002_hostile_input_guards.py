"""Database-enforced rules: one active run per project, unique upload names per project,
and a per-user token version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("token_version", sa.Integer(), server_default="0", nullable=False)
        )
    # Older databases may hold the duplicates the rules below forbid: keep the latest active
    # run of a project (the others are marked cancelled) and rename repeated upload names.
    op.execute(
        "UPDATE runs SET status = 'cancelled' WHERE status IN ('queued', 'running') AND EXISTS "
        "(SELECT 1 FROM runs later WHERE later.project_id = runs.project_id "
        "AND later.status IN ('queued', 'running') AND (later.created > runs.created "
        "OR (later.created = runs.created AND later.id > runs.id)))"
    )
    _rename_repeated_uploads()
    op.create_index(
        "uq_runs_one_active_per_project",
        "runs",
        ["project_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    with op.batch_alter_table("uploads") as batch:
        batch.create_unique_constraint(
            op.f("uq_uploads_project_id_original_name"), ["project_id", "original_name"]
        )


def _rename_repeated_uploads() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, project_id, original_name FROM uploads ORDER BY created, id")
    ).all()
    taken: dict[str, set[str]] = {}
    for upload_id, project_id, original in rows:
        names = taken.setdefault(project_id, set())
        name = original
        if name in names:
            stem, ext = posixpath.splitext(original)
            n = 2
            while f"{stem}-{n}{ext}" in names:
                n += 1
            name = f"{stem}-{n}{ext}"
            connection.execute(
                sa.text("UPDATE uploads SET original_name = :name WHERE id = :id"),
                {"name": name, "id": upload_id},
            )
        names.add(name)


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_constraint(op.f("uq_uploads_project_id_original_name"), type_="unique")
    op.drop_index("uq_runs_one_active_per_project", table_name="runs")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
