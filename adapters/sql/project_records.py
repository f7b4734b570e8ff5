"""``ProjectRecordStore`` on SQLAlchemy: a project's rows read in one snapshot and written
in one transaction (project export and import)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from adapters.sql import mapping
from adapters.sql.database import Transactions
from adapters.sql.deployments import (
    deployment_event_from_row,
    deployment_event_row,
    deployment_from_row,
    deployment_row,
)
from adapters.sql.tables import (
    DeploymentEventRow,
    DeploymentRow,
    MembershipRow,
    ProgressEventRow,
    ProjectRow,
    RunRow,
    UploadRow,
    UserRow,
)
from domain.errors import InvalidInput
from domain.project import User
from domain.project_records import ProjectRecords
from domain.refusals import Conflict


class SqlProjectRecords:
    def __init__(self, engine: Engine) -> None:
        self._tx = Transactions(engine)

    def read(self, project_id: str) -> ProjectRecords | None:
        # A write transaction serialises with writers on SQLite, and on PostgreSQL the
        # project row's lock keeps runs and uploads of it from changing mid-read.
        with self._tx.write() as session:
            row = session.scalar(
                select(ProjectRow).where(ProjectRow.id == project_id).with_for_update()
            )
            if row is None:
                return None
            members = session.scalars(
                select(MembershipRow)
                .where(MembershipRow.project_id == project_id)
                .order_by(MembershipRow.user_id)
            ).all()
            user_ids = [m.user_id for m in members]
            users = session.scalars(
                select(UserRow).where(UserRow.id.in_(user_ids)).order_by(UserRow.id)
            ).all()
            uploads = session.scalars(
                select(UploadRow)
                .where(UploadRow.project_id == project_id)
                .order_by(UploadRow.created, UploadRow.id)
            ).all()
            runs = session.scalars(
                select(RunRow)
                .where(RunRow.project_id == project_id)
                .order_by(RunRow.created, RunRow.id)
            ).all()
            events = session.scalars(
                select(ProgressEventRow)
                .join(RunRow, RunRow.id == ProgressEventRow.run_id)
                .where(RunRow.project_id == project_id)
                .order_by(ProgressEventRow.run_id, ProgressEventRow.seq)
            ).all()
            deployments = session.scalars(
                select(DeploymentRow)
                .where(DeploymentRow.project_id == project_id)
                .order_by(DeploymentRow.created.desc(), DeploymentRow.id.desc())
            ).all()
            deployment_events = session.scalars(
                select(DeploymentEventRow)
                .join(DeploymentRow, DeploymentRow.id == DeploymentEventRow.deployment_id)
                .where(DeploymentRow.project_id == project_id)
                .order_by(DeploymentEventRow.deployment_id, DeploymentEventRow.seq)
            ).all()
            return ProjectRecords(
                project=mapping.project_from_row(row),
                members=tuple(mapping.membership_from_row(m) for m in members),
                users=tuple(mapping.user_from_row(u) for u in users),
                uploads=tuple(mapping.upload_from_row(u) for u in uploads),
                runs=tuple(mapping.run_from_row(r) for r in runs),
                events=tuple(mapping.event_from_row(e) for e in events),
                deployments=tuple(deployment_from_row(d) for d in deployments),
                deployment_events=tuple(deployment_event_from_row(e) for e in deployment_events),
            )

    def write(self, records: ProjectRecords, *, replace: bool = False) -> None:
        project = records.project
        with self._tx.write() as session:
            existing = session.scalar(
                select(ProjectRow.id).where(ProjectRow.id == project.id).with_for_update()
            )
            if existing is not None:
                if not replace:
                    raise Conflict(f"project {project.id!r} already exists", code="project_exists")
                session.execute(delete(ProjectRow).where(ProjectRow.id == project.id))
                session.flush()
            for user in records.users:
                _add_user(session, user)
            session.add(mapping.project_row(project))
            session.flush()  # the project first: every other row refers to it
            session.add_all(
                MembershipRow(project_id=m.project_id, user_id=m.user_id, role=m.role.value)
                for m in records.members
            )
            session.add_all(mapping.upload_row(u) for u in records.uploads)
            session.add_all(mapping.run_row(r) for r in records.runs)
            session.add_all(deployment_row(d) for d in records.deployments)
            session.flush()
            session.add_all(mapping.event_row(e, e.seq) for e in records.events)
            session.add_all(deployment_event_row(e, e.seq) for e in records.deployment_events)


def _add_user(session: Session, user: User) -> None:
    if session.get(UserRow, user.id) is not None:
        return  # the account exists here already: it is kept as it is
    taken = session.scalar(
        select(UserRow.id).where(UserRow.email_key == mapping.email_key(user.email))
    )
    if taken is not None:
        raise InvalidInput(
            f"the e-mail address of member {user.id!r} belongs to another account "
            f"({taken!r}) in this database",
            code="email_taken",
        )
    session.add(mapping.user_row(user))
    session.flush()
