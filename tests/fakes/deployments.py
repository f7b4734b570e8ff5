"""Deployments and their events in memory."""

from __future__ import annotations

import attrs

from domain.errors import InvalidInput, NotFound
from domain.project import Deployment, ProgressEvent


class FakeDeploymentRepository:
    """``DeploymentRepository`` in dictionaries (``deployments``, ``events``)."""

    def __init__(self) -> None:
        self.deployments: dict[str, Deployment] = {}
        self.events: list[ProgressEvent] = []

    def add_deployment(self, deployment: Deployment) -> None:
        if deployment.id in self.deployments:
            raise InvalidInput(f"deployment {deployment.id!r} already exists", code="duplicate")
        self.deployments[deployment.id] = deployment

    def get_deployment(self, deployment_id: str) -> Deployment | None:
        return self.deployments.get(deployment_id)

    def update_deployment(self, deployment: Deployment) -> None:
        if deployment.id not in self.deployments:
            raise NotFound(f"no deployment {deployment.id!r}")
        self.deployments[deployment.id] = deployment

    def list_deployments(self, project_id: str) -> list[Deployment]:
        found = [d for d in self.deployments.values() if d.project_id == project_id]
        return sorted(found, key=lambda d: (d.created, d.id), reverse=True)

    def append_deployment_event(self, event: ProgressEvent) -> ProgressEvent:
        if event.run_id not in self.deployments:
            raise NotFound(f"no deployment {event.run_id!r}")
        seq = 1 + max((e.seq for e in self.events if e.run_id == event.run_id), default=0)
        stored = attrs.evolve(event, seq=seq)
        self.events.append(stored)
        return stored

    def list_deployment_events(
        self, deployment_id: str, *, after_seq: int = 0
    ) -> list[ProgressEvent]:
        return [e for e in self.events if e.run_id == deployment_id and e.seq > after_seq]
