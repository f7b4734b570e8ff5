"""``DeploymentRepository`` on SQLAlchemy: deployments and their progress events."""

from __future__ import annotations

import attrs
from sqlalchemy import Engine, func, select

from adapters.sql.database import Transactions
from adapters.sql.tables import DeploymentEventRow, DeploymentRow, ProjectRow
from domain.errors import InvalidInput, NotFound
from domain.project import Deployment, EventStatus, Phase, ProgressEvent

_FIELDS = [f.name for f in attrs.fields(Deployment)]


def deployment_row(deployment: Deployment) -> DeploymentRow:
    return DeploymentRow(**{name: getattr(deployment, name) for name in _FIELDS})


def deployment_from_row(row: DeploymentRow) -> Deployment:
    return Deployment(**{name: getattr(row, name) for name in _FIELDS})


class SqlDeploymentRepository:
    """Each method is one transaction; a project's deployments go with it (ON DELETE CASCADE)."""

    def __init__(self, engine: Engine) -> None:
        self._tx = Transactions(engine)

    def add_deployment(self, deployment: Deployment) -> None:
        with self._tx.write() as session:
            if session.get(ProjectRow, deployment.project_id) is None:
                raise NotFound(f"no project {deployment.project_id!r}")
            if session.get(DeploymentRow, deployment.id) is not None:
                raise InvalidInput(f"deployment {deployment.id!r} already exists", code="duplicate")
            session.add(deployment_row(deployment))

    def get_deployment(self, deployment_id: str) -> Deployment | None:
        with self._tx.read() as session:
            row = session.get(DeploymentRow, deployment_id)
            return None if row is None else deployment_from_row(row)

    def update_deployment(self, deployment: Deployment) -> None:
        with self._tx.write() as session:
            row = session.get(DeploymentRow, deployment.id)
            if row is None:
                raise NotFound(f"no deployment {deployment.id!r}")
            for name in _FIELDS:
                setattr(row, name, getattr(deployment, name))

    def list_deployments(self, project_id: str) -> list[Deployment]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(DeploymentRow)
                .where(DeploymentRow.project_id == project_id)
                .order_by(DeploymentRow.created.desc(), DeploymentRow.id.desc())
            ).all()
            return [deployment_from_row(r) for r in rows]

    def append_deployment_event(self, event: ProgressEvent) -> ProgressEvent:
        with self._tx.write() as session:
            locked = session.scalar(
                select(DeploymentRow.id).where(DeploymentRow.id == event.run_id).with_for_update()
            )
            if locked is None:
                raise NotFound(f"no deployment {event.run_id!r}")
            last = session.scalar(
                select(func.max(DeploymentEventRow.seq)).where(
                    DeploymentEventRow.deployment_id == event.run_id
                )
            )
            seq = (last or 0) + 1
            session.add(deployment_event_row(event, seq))
        return attrs.evolve(event, seq=seq)

    def list_deployment_events(
        self, deployment_id: str, *, after_seq: int = 0
    ) -> list[ProgressEvent]:
        with self._tx.read() as session:
            rows = session.scalars(
                select(DeploymentEventRow)
                .where(
                    DeploymentEventRow.deployment_id == deployment_id,
                    DeploymentEventRow.seq > after_seq,
                )
                .order_by(DeploymentEventRow.seq)
            ).all()
            return [deployment_event_from_row(r) for r in rows]


def deployment_event_row(event: ProgressEvent, seq: int) -> DeploymentEventRow:
    return DeploymentEventRow(
        deployment_id=event.run_id,
        seq=seq,
        phase=event.phase.value,
        status=event.status.value,
        percent=event.percent,
        message=event.message,
        ts=event.ts,
    )


def deployment_event_from_row(row: DeploymentEventRow) -> ProgressEvent:
    return ProgressEvent(
        run_id=row.deployment_id,
        phase=Phase(row.phase),
        status=EventStatus(row.status),
        percent=row.percent,
        message=row.message,
        ts=row.ts,
        seq=row.seq,
    )
