"""The Render target. Render deploys from a git repository (there is no API to upload a
folder), so the version is pushed to the project's remote first; then the service is created
on the first deployment (a static site publishing the export, or a Docker web service running
the Kirby site with a disk), or the same service deploys that commit on later ones; the
deploy is polled until it is live or has failed. Rollback asks Render to roll the service back
to the deploy an earlier deployment made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from adapters.git.cli import redact
from adapters.render.client import RenderApiError, RenderClient
from application.deployments import DeployFailed
from application.versions import STATIC_DIR
from config.deploy_settings import RenderSettings
from domain.ports import DeployProgress, DeployResult, Git, SiteBundle
from domain.project import Deployment

LIVE = "live"
FAILED = ("build_failed", "update_failed", "canceled", "pre_deploy_failed", "deactivated")
# Where the Kirby site's Docker image keeps what Kirby writes (see the site's render.yaml).
KIRBY_DISK = {"name": "kirby-data", "mountPath": "/var/www/data", "sizeGB": 1}


def service_body(
    settings: RenderSettings, bundle: SiteBundle, repo_url: str, branch: str
) -> dict[str, Any]:
    """The create-service request for this site (Render's enums are strings)."""
    base: dict[str, Any] = {
        "name": bundle.name,
        "ownerId": settings.owner_id,
        "repo": repo_url,
        "branch": branch,
        # Each deployment triggers its own deploy of its commit, polled to the end; an
        # automatic deploy on every push would be a second one.
        "autoDeploy": "no",
    }
    if settings.service == "kirby":
        return base | {
            "type": "web_service",
            "serviceDetails": {
                "runtime": "docker",
                "envSpecificDetails": {"dockerfilePath": "./Dockerfile", "dockerContext": "."},
                "plan": settings.plan,
                "region": settings.region,
                "numInstances": 1,
                "healthCheckPath": "/",
                "pullRequestPreviewsEnabled": "no",
                "disk": dict(KIRBY_DISK),
            },
        }
    return base | {
        "type": "static_site",
        "serviceDetails": {
            "buildCommand": "",
            "publishPath": STATIC_DIR,
            "pullRequestPreviewsEnabled": "no",
        },
    }


class RenderDeployer:
    target = "render"

    def __init__(
        self,
        settings: RenderSettings,
        git: Git,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._git = git
        self._sleep = sleep
        self._clock = clock

    def deploy(
        self,
        deployment_id: str,
        bundle: SiteBundle,
        previous: Deployment | None,
        progress: DeployProgress,
    ) -> DeployResult:
        if bundle.remote is None:
            raise DeployFailed(
                "set GIT_REMOTE_URL: Render deploys from a git repository, so the site is "
                "pushed there first",
                code="no_remote",
            )
        if bundle.repo is None or bundle.commit is None:
            raise DeployFailed("the site has no committed version to push", code="no_version")
        client = RenderClient(self._settings, sleep=self._sleep)
        try:
            self._git.push(bundle.repo, bundle.commit, bundle.remote)
            repo_url = redact(bundle.remote.url)
            progress(15, f"pushed {bundle.commit[:12]} to {repo_url} ({bundle.remote.branch})")
            service = self._service(client, bundle, previous, repo_url, progress)
            service_id, deploy_id = service["id"], service.get("_deployId")
            if deploy_id is None:
                deploy_id = client.trigger_deploy(service_id, bundle.commit)["id"]
                progress(35, f"deploy {deploy_id} of {bundle.commit[:12]} triggered")
            self._wait_live(client, service_id, deploy_id, progress)
            return DeployResult(_url(service), f"{service_id}/{deploy_id}")
        finally:
            client.close()

    def rollback(
        self, deployment_id: str, to: Deployment, progress: DeployProgress
    ) -> DeployResult:
        service_id, _, deploy_id = (to.provider_ref or "").partition("/")
        if not service_id or not deploy_id:
            raise DeployFailed(f"deployment {to.id} never reached Render", code="not_rollbackable")
        client = RenderClient(self._settings, sleep=self._sleep)
        try:
            service = client.get_service(service_id)
            rolled = client.rollback(service_id, deploy_id)
            progress(30, f"rolling {service_id} back to deploy {deploy_id} (as {rolled['id']})")
            self._wait_live(client, service_id, rolled["id"], progress)
            return DeployResult(_url(service) or to.url, f"{service_id}/{rolled['id']}")
        finally:
            client.close()

    def stop(self, deployment: Deployment) -> None:
        """A Render site stays published; a later deployment or a rollback replaces it."""

    # --- steps ------------------------------------------------------------------------------

    def _service(
        self,
        client: RenderClient,
        bundle: SiteBundle,
        previous: Deployment | None,
        repo_url: str,
        progress: DeployProgress,
    ) -> dict[str, Any]:
        """The site's service: the one an earlier deployment made, one of the site's name
        already in the workspace, or a new one (whose first deploy Render starts itself)."""
        known = (previous.provider_ref or "").partition("/")[0] if previous else ""
        if known:
            try:
                service = client.get_service(known)
            except RenderApiError as exc:
                if exc.status != 404:
                    raise
                progress(20, f"service {known} is gone from Render; making a new one")
            else:
                progress(25, f"redeploying service {known}")
                return service
        if not self._settings.owner_id:
            raise DeployFailed(
                "set RENDER_OWNER_ID (the workspace id, tea-… or usr-…) to create the Render "
                "service",
                code="render_not_configured",
            )
        found = client.find_service(bundle.name, self._settings.owner_id)
        if found is not None:
            progress(25, f"redeploying service {found['id']} ({bundle.name})")
            return found
        branch = bundle.remote.branch if bundle.remote else "main"
        body = service_body(self._settings, bundle, repo_url, branch)
        try:
            service, deploy_id = client.create_service(body)
        except RenderApiError as exc:
            if exc.status is not None and exc.status < 500:
                raise
            # Render may have made it before failing: look before giving up.
            again = client.find_service(bundle.name, self._settings.owner_id)
            if again is None:
                raise
            return again
        progress(30, f"created {body['type']} {service['id']} ({bundle.name})")
        return service | {"_deployId": deploy_id}

    def _wait_live(
        self, client: RenderClient, service_id: str, deploy_id: str, progress: DeployProgress
    ) -> None:
        deadline = self._clock() + self._settings.timeout_seconds
        seen = ""
        while True:
            status = str(client.get_deploy(service_id, deploy_id).get("status", ""))
            if status == LIVE:
                progress(95, f"deploy {deploy_id} is live")
                return
            if status in FAILED:
                raise DeployFailed(
                    f"Render deploy {deploy_id} ended {status}: see the service's events in "
                    "the Render Dashboard",
                    code="render_deploy_failed",
                )
            if status != seen:
                progress(50, f"deploy {deploy_id}: {status}")
                seen = status
            if self._clock() > deadline:
                raise DeployFailed(
                    f"Render deploy {deploy_id} was still {status} after "
                    f"{self._settings.timeout_seconds:.0f} s (RENDER_DEPLOY_TIMEOUT_SECONDS)",
                    code="render_timeout",
                )
            self._sleep(self._settings.poll_seconds)


def _url(service: dict[str, Any]) -> str:
    details = service.get("serviceDetails") or {}
    return str(details.get("url") or "")
