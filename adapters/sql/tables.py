"""Table definitions. Rows are mapped to domain objects in ``mapping.py``; the domain never
sees these classes.

Enum-valued fields are stored as their string values (no database enum types), so adding a
status is a code change rather than a migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.sql.types import JsonColumn, UtcDateTime

# Named constraints let alembic alter them later, including SQLite's batch mode.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased copy: e-mail lookups and uniqueness ignore case.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32))
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ProjectRow(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    # No foreign key to users: a local, single-person setup may have no user rows at all.
    owner_id: Mapped[str] = mapped_column(ID, index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    created: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated: Mapped[datetime] = mapped_column(UtcDateTime())
    brand_colors: Mapped[list[str]] = mapped_column(JsonColumn)
    font: Mapped[str | None] = mapped_column(Text)


class MembershipRow(Base):
    __tablename__ = "memberships"

    project_id: Mapped[str] = mapped_column(
        ID, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ID, primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(32))


# The database itself keeps a project to one active run: of two concurrent starts (from any
# number of API processes) the second insert fails on this index.
ACTIVE_RUN_WHERE = text("status IN ('queued', 'running')")


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index(
            "uq_runs_one_active_per_project",
            "project_id",
            unique=True,
            sqlite_where=ACTIVE_RUN_WHERE,
            postgresql_where=ACTIVE_RUN_WHERE,
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ID, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(32))
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    started: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_phases: Mapped[list[str]] = mapped_column(JsonColumn)
    failure: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    usage: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    commit_id: Mapped[str | None] = mapped_column(String(64))
    deployment_id: Mapped[str | None] = mapped_column(ID)


class ProgressEventRow(Base):
    __tablename__ = "progress_events"
    __table_args__ = (UniqueConstraint("run_id", "seq"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    run_id: Mapped[str] = mapped_column(ID, ForeignKey("runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    percent: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    ts: Mapped[datetime] = mapped_column(UtcDateTime())


class UploadRow(Base):
    __tablename__ = "uploads"
    # Uploads are known by name in a project (documents cite them): unique in the database.
    __table_args__ = (UniqueConstraint("project_id", "original_name"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ID, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    original_name: Mapped[str] = mapped_column(Text)
    stored_key: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(UtcDateTime())


class SessionRow(Base):
    __tablename__ = "sessions"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DeploymentRow(Base):
    __tablename__ = "deployments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ID, ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    finished: Mapped[datetime | None] = mapped_column(UtcDateTime())
    commit: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    provider_ref: Mapped[str | None] = mapped_column(Text)
    rollback_of: Mapped[str | None] = mapped_column(ID)


class DeploymentEventRow(Base):
    __tablename__ = "deployment_events"
    __table_args__ = (UniqueConstraint("deployment_id", "seq"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    deployment_id: Mapped[str] = mapped_column(ID, ForeignKey("deployments.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    percent: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    ts: Mapped[datetime] = mapped_column(UtcDateTime())
