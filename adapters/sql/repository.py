"""``ProjectRepository`` on SQLAlchemy (SQLite locally, PostgreSQL in the cloud)."""

from __future__ import annotations

import attrs
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from adapters.sql import mapping
from adapters.sql.database import Transactions
from adapters.sql.tables import (
    MembershipRow,
    ProgressEventRow,
    ProjectRow,
    RunRow,
    UploadRow,
    UserRow,
)
from domain.errors import InvalidInput, NotFound
from domain.ports import Page
from domain.project import (
    ACTIVE_RUN_STATUSES,
    Membership,
    ProgressEvent,
    Project,
    ProjectStatus,
    Run,
    Upload,
    User,
)


class SqlProjectRepository:
    """Projects, runs, progress events, uploads, users and memberships in SQL tables.

    Each method is one transaction. Rows of a project's runs, events, uploads and memberships
    are deleted with the project (ON DELETE CASCADE).
    """

    def __init__(self, engine: Engine) -> None:
        self._tx = Transactions(engine)

    # --- projects -----------------------------------------------------------------------------

    def add_project(self, project: Project) -> None:
        with self._tx.write() as session:
            if session.get(ProjectRow, project.id) is not None:
                raise InvalidInput(f"project {project.id!r} already exists", code="duplicate")
            session.add(mapping.project_row(project))

    def get_project(self, project_id: str) -> Project | None:
        with self._tx.read() as session:
            row = session.get(ProjectRow, project_id)
            return None if row is None else mapping.project_from_row(row)

    def update_project(self, project: Project) -> None:
        with self._tx.write() as session:
            result = session.execute(
                update(ProjectRow)
                .where(ProjectRow.id == project.id)
                .values(**mapping.project_values(project))
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(f"no project {project.id!r}")

    def delete_project(self, project_id: str) -> None:
        with self._tx.write() as session:
            session.execute(delete(ProjectRow).where(ProjectRow.id == project_id))

    def list_projects(
        self, user_id: str, *, status: ProjectStatus | None, offset: int, limit: int
    ) -> Page:
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        query = (
            select(ProjectRow)
            .join(MembershipRow, MembershipRow.project_id == ProjectRow.id)
            .where(MembershipRow.user_id == user_id)
        )
        if status is not None:
            query = query.where(ProjectRow.status == status.value)
        with self._tx.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(ProjectRow.created.desc(), ProjectRow.id.desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return Page(items=tuple(mapping.project_from_row(row) for row in rows), total=total)

    # --- runs ---------------------------------------------------------------------------------

    def add_run(self, run: Run) -> None:
        with self._tx.write() as session:
            _require_project(session, run.project_id)
            if session.get(RunRow, run.id) is not None:
                raise InvalidInput(f"run {run.id!r} already exists", code="duplicate")
            session.add(mapping.run_row(run))

    def get_run(self, run_id: str) -> Run | None:
        with self._tx.read() as session:
            row = session.get(RunRow, run_id)
            return None if row is None else mapping.run_from_row(row)

    def update_run(self, run: Run) -> None:
        with self._tx.write() as session:
            result = session.execute(
                update(RunRow).where(RunRow.id == run.id).values(**mapping.run_values(run))
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(f"no run {run.id!r}")

    def list_runs(self, project_id: str) -> list[Run]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(RunRow)
                .where(RunRow.project_id == project_id)
                .order_by(RunRow.created, RunRow.id)
            ).all()
            return [mapping.run_from_row(row) for row in rows]

    def list_active_runs(self) -> list[Run]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(RunRow)
                .where(RunRow.status.in_([s.value for s in ACTIVE_RUN_STATUSES]))
                .order_by(RunRow.created, RunRow.id)
            ).all()
            return [mapping.run_from_row(row) for row in rows]

    # --- progress events ----------------------------------------------------------------------

    def append_event(self, event: ProgressEvent) -> ProgressEvent:
        with self._tx.write() as session:
            # Locking the run row serialises writers of one run on PostgreSQL; SQLite's
            # BEGIN IMMEDIATE already serialises all writers (FOR UPDATE is not emitted there).
            locked = session.scalar(
                select(RunRow.id).where(RunRow.id == event.run_id).with_for_update()
            )
            if locked is None:
                raise NotFound(f"no run {event.run_id!r}")
            last = session.scalar(
                select(func.max(ProgressEventRow.seq)).where(
                    ProgressEventRow.run_id == event.run_id
                )
            )
            seq = (last or 0) + 1
            session.add(mapping.event_row(event, seq))
        return attrs.evolve(event, seq=seq)

    def list_events(self, run_id: str, *, after_seq: int = 0) -> list[ProgressEvent]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(ProgressEventRow)
                .where(ProgressEventRow.run_id == run_id, ProgressEventRow.seq > after_seq)
                .order_by(ProgressEventRow.seq)
            ).all()
            return [mapping.event_from_row(row) for row in rows]

    # --- uploads ------------------------------------------------------------------------------

    def add_upload(self, upload: Upload) -> None:
        with self._tx.write() as session:
            _require_project(session, upload.project_id)
            if session.get(UploadRow, upload.id) is not None:
                raise InvalidInput(f"upload {upload.id!r} already exists", code="duplicate")
            session.add(mapping.upload_row(upload))

    def get_upload(self, upload_id: str) -> Upload | None:
        with self._tx.read() as session:
            row = session.get(UploadRow, upload_id)
            return None if row is None else mapping.upload_from_row(row)

    def list_uploads(self, project_id: str) -> list[Upload]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(UploadRow)
                .where(UploadRow.project_id == project_id)
                .order_by(UploadRow.created, UploadRow.id)
            ).all()
            return [mapping.upload_from_row(row) for row in rows]

    def delete_upload(self, upload_id: str) -> None:
        with self._tx.write() as session:
            session.execute(delete(UploadRow).where(UploadRow.id == upload_id))

    # --- users and memberships ----------------------------------------------------------------

    def add_user(self, user: User) -> None:
        with self._tx.write() as session:
            if session.get(UserRow, user.id) is not None:
                raise InvalidInput(f"user {user.id!r} already exists", code="duplicate")
            taken = session.scalar(
                select(UserRow.id).where(UserRow.email_key == mapping.email_key(user.email))
            )
            if taken is not None:
                raise InvalidInput("this e-mail address is already registered", code="email_taken")
            session.add(mapping.user_row(user))

    def get_user(self, user_id: str) -> User | None:
        with self._tx.read() as session:
            row = session.get(UserRow, user_id)
            return None if row is None else mapping.user_from_row(row)

    def get_user_by_email(self, email: str) -> User | None:
        with self._tx.read() as session:
            row = session.scalar(
                select(UserRow).where(UserRow.email_key == mapping.email_key(email))
            )
            return None if row is None else mapping.user_from_row(row)

    def set_membership(self, membership: Membership) -> None:
        with self._tx.write() as session:
            _require_project(session, membership.project_id)
            row = session.get(MembershipRow, (membership.project_id, membership.user_id))
            if row is None:
                session.add(
                    MembershipRow(
                        project_id=membership.project_id,
                        user_id=membership.user_id,
                        role=membership.role.value,
                    )
                )
            else:
                row.role = membership.role.value

    def get_membership(self, project_id: str, user_id: str) -> Membership | None:
        with self._tx.read() as session:
            row = session.get(MembershipRow, (project_id, user_id))
            return None if row is None else mapping.membership_from_row(row)

    def list_members(self, project_id: str) -> list[Membership]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(MembershipRow)
                .where(MembershipRow.project_id == project_id)
                .order_by(MembershipRow.user_id)
            ).all()
            return [mapping.membership_from_row(row) for row in rows]


def _require_project(session: Session, project_id: str) -> None:
    if session.get(ProjectRow, project_id) is None:
        raise NotFound(f"no project {project_id!r}")
