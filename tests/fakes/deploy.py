"""A deployer that records deployments and can be told to fail."""

from __future__ import annotations

from pathlib import Path

import attrs

from domain.ports import Clock
from domain.project import Deployment, Project


@attrs.frozen
class DeployCall:
    project_id: str
    root: Path
    commit: str | None


class FakeDeployer:
    """``Deployer`` returning a live deployment at ``https://<project id>.example.test``.

    Set ``fail_with`` to an exception to make the next deploys raise it.
    """

    def __init__(self, clock: Clock, *, target: str = "fake") -> None:
        self._clock = clock
        self._target = target
        self.calls: list[DeployCall] = []
        self.deployments: list[Deployment] = []
        self.fail_with: Exception | None = None

    def deploy(self, project: Project, root: Path, commit: str | None) -> Deployment:
        self.calls.append(DeployCall(project_id=project.id, root=root, commit=commit))
        if self.fail_with is not None:
            raise self.fail_with
        deployment = Deployment(
            id=f"deploy-{len(self.deployments) + 1}",
            project_id=project.id,
            target=self._target,
            url=f"https://{project.id}.example.test",
            status="live",
            created=self._clock.now(),
            commit=commit,
        )
        self.deployments.append(deployment)
        return deployment
