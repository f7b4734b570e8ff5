"""``ProjectRepository`` on SQLAlchemy (SQLite locally, PostgreSQL in the cloud)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from sqlalchemy import Engine, and_, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
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
from domain.names import name_candidates
from domain.ports import CallerAccess, Page
from domain.project import (
    ACTIVE_RUN_STATUSES,
    Membership,
    ProgressEvent,
    Project,
    ProjectStatus,
    Role,
    Run,
    Upload,
    User,
)
from domain.refusals import Conflict

# How many names an upload may try before giving up (each failure means a concurrent
# upload took that name in the meantime).
MAX_NAME_ATTEMPTS = 1000


# Reads every authenticated request makes: Core, not the ORM, because building a session and
# loading entities cost more than the read itself. The caller's token version, their
# membership of the project and the project come in one statement.
_users, _members, _projects = UserRow.__table__, MembershipRow.__table__, ProjectRow.__table__
_CALLER_ACCESS = (
    select(_users.c.token_version, _members.c.role, *_projects.c)
    .select_from(
        _users.outerjoin(
            _members,
            and_(
                _members.c.user_id == _users.c.id,
                _members.c.project_id == bindparam("project_id"),
            ),
        ).outerjoin(_projects, _projects.c.id == _members.c.project_id)
    )
    .where(_users.c.id == bindparam("user_id"))
)

_TOKEN_VERSION = select(_users.c.token_version).where(_users.c.id == bindparam("user_id"))


def _run_active() -> Conflict:
    return Conflict("a run of this project is already in progress", code="run_active")


class SqlProjectRepository:
    """Projects, runs, progress events, uploads, users and memberships in SQL tables.

    Each method is one transaction. Rows of a project's runs, events, uploads and memberships
    are deleted with the project (ON DELETE CASCADE).
    """

    def __init__(self, engine: Engine) -> None:
        self._tx = Transactions(engine)

    # --- projects -----------------------------------------------------------------------------

    def add_project(self, project: Project, members: Sequence[Membership] = ()) -> None:
        with self._tx.write() as session:
            if session.get(ProjectRow, project.id) is not None:
                raise InvalidInput(f"project {project.id!r} already exists", code="duplicate")
            session.add(mapping.project_row(project))
            session.flush()  # the project row first: memberships refer to it
            for member in members:
                if member.project_id != project.id:
                    raise ValueError("a new project's members must belong to it")
                session.add(
                    MembershipRow(
                        project_id=member.project_id,
                        user_id=member.user_id,
                        role=member.role.value,
                    )
                )

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
        try:
            with self._tx.write() as session:
                _lock_project(session, run.project_id)
                if session.get(RunRow, run.id) is not None:
                    raise InvalidInput(f"run {run.id!r} already exists", code="duplicate")
                session.add(mapping.run_row(run))
        except IntegrityError:
            # The partial unique index: another request started a run of this project first
            # (or the project was deleted meanwhile).
            if self.get_project(run.project_id) is None:
                raise NotFound(f"no project {run.project_id!r}") from None
            raise _run_active() from None

    def get_run(self, run_id: str) -> Run | None:
        with self._tx.read() as session:
            row = session.get(RunRow, run_id)
            return None if row is None else mapping.run_from_row(row)

    def update_run(self, run: Run) -> None:
        try:
            with self._tx.write() as session:
                result = session.execute(
                    update(RunRow).where(RunRow.id == run.id).values(**mapping.run_values(run))
                )
                if result.rowcount == 0:  # type: ignore[attr-defined]
                    raise NotFound(f"no run {run.id!r}")
        except IntegrityError:  # made active again while another run of the project is
            raise _run_active() from None

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

    def add_upload(self, upload: Upload) -> Upload:
        with self._tx.write() as session:
            _lock_project(session, upload.project_id)
            if session.get(UploadRow, upload.id) is not None:
                raise InvalidInput(f"upload {upload.id!r} already exists", code="duplicate")
            # The unique constraint decides; a name taken by a concurrent upload between the
            # read and the insert only costs another attempt (in a savepoint).
            taken = set(
                session.scalars(
                    select(UploadRow.original_name).where(UploadRow.project_id == upload.project_id)
                )
            )
            candidates = (n for n in name_candidates(upload.original_name) if n not in taken)
            for _, name in zip(range(MAX_NAME_ATTEMPTS), candidates, strict=False):
                named = attrs.evolve(upload, original_name=name)
                try:
                    with session.begin_nested():
                        session.add(mapping.upload_row(named))
                except IntegrityError:
                    continue
                return named
        raise Conflict(
            f"no free name for {upload.original_name!r} in this project", code="name_taken"
        )

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

    def token_version(self, user_id: str) -> int | None:
        with self._tx.single_read() as connection:
            version: int | None = connection.execute(
                _TOKEN_VERSION, {"user_id": user_id}
            ).scalar_one_or_none()
        return version

    def caller_access(self, user_id: str, project_id: str) -> CallerAccess | None:
        with self._tx.single_read() as connection:
            row = connection.execute(
                _CALLER_ACCESS, {"user_id": user_id, "project_id": project_id}
            ).first()
        if row is None:
            return None
        if row.role is None:
            return CallerAccess(row.token_version, None, None)
        membership = Membership(project_id=project_id, user_id=user_id, role=Role(row.role))
        project = None if row.id is None else mapping.project_from_row(row)
        return CallerAccess(row.token_version, membership, project)

    def revoke_tokens(self, user_id: str) -> None:
        with self._tx.write() as session:
            session.execute(
                update(UserRow)
                .where(UserRow.id == user_id)
                .values(token_version=UserRow.token_version + 1)
            )

    def delete_user(self, user_id: str) -> None:
        with self._tx.write() as session:
            session.execute(delete(MembershipRow).where(MembershipRow.user_id == user_id))
            session.execute(delete(UserRow).where(UserRow.id == user_id))

    def set_membership(self, membership: Membership) -> None:
        try:
            with self._tx.write() as session:
                # The project row is locked (PostgreSQL) so a concurrent delete waits or wins
                # cleanly; the upsert makes two concurrent grants one row, the last role wins.
                _lock_project(session, membership.project_id)
                session.execute(
                    upsert(session, MembershipRow)
                    .values(
                        project_id=membership.project_id,
                        user_id=membership.user_id,
                        role=membership.role.value,
                    )
                    .on_conflict_do_update(
                        index_elements=[MembershipRow.project_id, MembershipRow.user_id],
                        set_={"role": membership.role.value},
                    )
                )
        except IntegrityError:  # the project was deleted between the lock and the insert
            raise NotFound(f"no project {membership.project_id!r}") from None

    def remove_membership(self, project_id: str, user_id: str) -> bool:
        with self._tx.write() as session:
            result = session.execute(
                delete(MembershipRow).where(
                    MembershipRow.project_id == project_id, MembershipRow.user_id == user_id
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

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


def _lock_project(session: Session, project_id: str) -> None:
    """The project row, locked until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serialises writers), so a concurrent delete either waits or has already won."""
    found = session.scalar(
        select(ProjectRow.id).where(ProjectRow.id == project_id).with_for_update()
    )
    if found is None:
        raise NotFound(f"no project {project_id!r}")


def upsert(session: Session, table: Any) -> Any:
    """The dialect's INSERT with ON CONFLICT support."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for the {dialect!r} database")
