"""A deployer that records what it published and can be told to fail."""

from __future__ import annotations

import attrs

from application.deployments import DeployFailed
from domain.ports import DeployProgress, DeployResult, SiteBundle
from domain.project import Deployment


@attrs.frozen
class DeployCall:
    deployment_id: str
    bundle: SiteBundle | None
    previous: str | None = None
    rollback_to: str | None = None


class FakeDeployer:
    """``Deployer`` answering ``https://<bundle name>.example.test``; its ``provider_ref`` is
    ``fake/<n>``. Set ``fail_with`` to make the next calls raise it."""

    def __init__(self, target: str = "fake") -> None:
        self.target = target
        self.calls: list[DeployCall] = []
        self.stopped: list[str] = []
        self.fail_with: Exception | None = None

    def deploy(
        self,
        deployment_id: str,
        bundle: SiteBundle,
        previous: Deployment | None,
        progress: DeployProgress,
    ) -> DeployResult:
        self.calls.append(DeployCall(deployment_id, bundle, previous.id if previous else None))
        if self.fail_with is not None:
            raise self.fail_with
        progress(50, "halfway")
        return DeployResult(f"https://{bundle.name}.example.test", f"fake/{len(self.calls)}")

    def rollback(
        self, deployment_id: str, to: Deployment, progress: DeployProgress
    ) -> DeployResult:
        self.calls.append(DeployCall(deployment_id, None, rollback_to=to.id))
        if self.fail_with is not None:
            raise self.fail_with
        if not to.provider_ref:
            raise DeployFailed("nothing to roll back to")
        return DeployResult(to.url, f"fake/{len(self.calls)}")

    def stop(self, deployment: Deployment) -> None:
        self.stopped.append(deployment.id)
