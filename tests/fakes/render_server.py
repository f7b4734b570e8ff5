"""A fake of Render's REST API (``/v1``) on loopback, for the Render deployment target.

It speaks the endpoints the target uses — list/create/retrieve services, trigger and retrieve
deploys, roll back — with Render's shapes: services come wrapped as ``{"service", "cursor"}``
in lists, creation answers ``{"service", "deployId"}``, enums are strings (``autoDeploy:
"yes"|"no"``, ``clearCache: "clear"|"do_not_clear"``) and a boolean where a string belongs is
a 400, as on Render. A deploy moves one status further each time it is read
(``created`` → ``build_in_progress`` → ``update_in_progress`` → ``live``), or ends in
``build_failed`` when told to; a deploy that goes live deactivates the service's previous one.
Errors on demand: ``fail(method, path_prefix, status, retry_after=…)`` answers the next
matching request with that status.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.loopback import serve_on_loopback

STEPS = ("created", "build_in_progress", "update_in_progress", "live")
SERVICE_TYPES = ("static_site", "web_service", "private_service", "background_worker", "cron_job")
T = "2026-11-27T12:00:00.000Z"


@attrs.define
class Failure:
    method: str
    path_prefix: str
    status: int
    retry_after: int | None = None
    times: int = 1


@attrs.frozen
class Received:
    method: str
    path: str
    body: Any


class FakeRender:
    def __init__(self, api_key: str = "rnd_test_key", owner_id: str = "tea-owner") -> None:
        self.api_key = api_key
        self.owner_id = owner_id
        self.services: dict[str, dict[str, Any]] = {}
        self.deploys: dict[str, dict[str, Any]] = {}
        self.requests: list[Received] = []
        self.failures: list[Failure] = []
        # Deploys created from now on end in build_failed instead of live.
        self.fail_builds = False
        self._failing: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.base_url = ""

    # --- steering ---------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path_prefix: str,
        status: int,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        self.failures.append(Failure(method, path_prefix, status, retry_after, times))

    def received(self, method: str, path_prefix: str = "/v1/") -> list[Received]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # --- the API ----------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/services", self._services, methods=["GET", "POST"]),
                Route("/v1/services/{service_id}", self._service, methods=["GET"]),
                Route("/v1/services/{service_id}/deploys", self._deploys, methods=["GET", "POST"]),
                Route("/v1/services/{service_id}/deploys/{deploy_id}", self._deploy),
                Route("/v1/services/{service_id}/rollback", self._rollback, methods=["POST"]),
            ]
        )

    async def _guard(self, request: Request) -> tuple[Any, Response | None]:
        body: Any = None
        if request.method == "POST":
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return None, _error(400, "invalid JSON")
        with self._lock:
            self.requests.append(Received(request.method, request.url.path, body))
            for failure in self.failures:
                if request.method == failure.method and request.url.path.startswith(
                    failure.path_prefix
                ):
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    headers = (
                        {"Retry-After": str(failure.retry_after)}
                        if failure.retry_after is not None
                        else {}
                    )
                    return None, _error(failure.status, f"failure on demand ({failure.status})",
                                        headers)  # fmt: skip
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return None, _error(401, "Unauthorized")
        return body, None

    async def _services(self, request: Request) -> Response:
        body, refused = await self._guard(request)
        if refused is not None:
            return refused
        if request.method == "GET":
            names = request.query_params.getlist("name")
            owners = request.query_params.getlist("ownerId")
            found = [
                {"service": s, "cursor": s["id"]}
                for s in self.services.values()
                if (not names or s["name"] in names) and (not owners or s["ownerId"] in owners)
            ]
            return JSONResponse(found)
        problem = _service_problem(body)
        if problem:
            return _error(400, problem)
        if body["ownerId"] != self.owner_id:
            return _error(404, f"owner {body['ownerId']} not found")
        if any(s["name"] == body["name"] for s in self.services.values()):
            return _error(409, f"a service named {body['name']} already exists")
        service_id = f"srv-{next(self._ids):04d}"
        details = dict(body.get("serviceDetails") or {})
        details["url"] = f"https://{body['name']}.onrender.com"
        service = {
            "id": service_id,
            "type": body["type"],
            "name": body["name"],
            "ownerId": body["ownerId"],
            "repo": body["repo"],
            "branch": body.get("branch", "main"),
            "autoDeploy": body.get("autoDeploy", "yes"),
            "slug": body["name"],
            "suspended": "not_suspended",
            "createdAt": T,
            "updatedAt": T,
            "serviceDetails": details,
        }
        with self._lock:
            self.services[service_id] = service
        deploy = self._new_deploy(service_id, _branch_head(service), "new_commit")
        return JSONResponse({"service": service, "deployId": deploy["id"]}, status_code=201)

    async def _service(self, request: Request) -> Response:
        _, refused = await self._guard(request)
        if refused is not None:
            return refused
        service = self.services.get(request.path_params["service_id"])
        return JSONResponse(service) if service else _error(404, "service not found")

    async def _deploys(self, request: Request) -> Response:
        body, refused = await self._guard(request)
        if refused is not None:
            return refused
        service_id = request.path_params["service_id"]
        if service_id not in self.services:
            return _error(404, "service not found")
        if request.method == "GET":
            listed = [d for d in self.deploys.values() if d["serviceId"] == service_id]
            return JSONResponse([{"deploy": _public(d), "cursor": d["id"]} for d in listed])
        body = body or {}
        if body.get("clearCache", "do_not_clear") not in ("clear", "do_not_clear"):
            return _error(400, "clearCache must be 'clear' or 'do_not_clear'")
        commit = body.get("commitId") or _branch_head(self.services[service_id])
        deploy = self._new_deploy(service_id, commit, "api")
        return JSONResponse(_public(deploy), status_code=201)

    async def _deploy(self, request: Request) -> Response:
        _, refused = await self._guard(request)
        if refused is not None:
            return refused
        deploy = self.deploys.get(request.path_params["deploy_id"])
        if deploy is None or deploy["serviceId"] != request.path_params["service_id"]:
            return _error(404, "deploy not found")
        self._advance(deploy)
        return JSONResponse(_public(deploy))

    async def _rollback(self, request: Request) -> Response:
        body, refused = await self._guard(request)
        if refused is not None:
            return refused
        service_id = request.path_params["service_id"]
        target = self.deploys.get((body or {}).get("deployId", ""))
        if service_id not in self.services or target is None or target["serviceId"] != service_id:
            return _error(404, "deploy not found")
        deploy = self._new_deploy(service_id, target["commit"]["id"], "rollback")
        return JSONResponse(_public(deploy), status_code=201)

    # --- deploys over time ------------------------------------------------------------------

    def _new_deploy(self, service_id: str, commit: str | None, trigger: str) -> dict[str, Any]:
        deploy_id = f"dep-{next(self._ids):04d}"
        deploy = {
            "id": deploy_id,
            "serviceId": service_id,
            "commit": {"id": commit or "HEAD", "message": "", "createdAt": T},
            "status": "created",
            "trigger": trigger,
            "createdAt": T,
            "updatedAt": T,
            "startedAt": T,
            "finishedAt": None,
        }
        with self._lock:
            self.deploys[deploy_id] = deploy
            if self.fail_builds:
                self._failing.add(deploy_id)
        return deploy

    def _advance(self, deploy: dict[str, Any]) -> None:
        with self._lock:
            status = deploy["status"]
            if status not in STEPS or status == "live":
                return
            if deploy["id"] in self._failing and status == "build_in_progress":
                deploy["status"], deploy["finishedAt"] = "build_failed", T
                return
            deploy["status"] = STEPS[STEPS.index(status) + 1]
            if deploy["status"] == "live":
                deploy["finishedAt"] = T
                for other in self.deploys.values():
                    if (
                        other is not deploy
                        and other["serviceId"] == deploy["serviceId"]
                        and other["status"] == "live"
                    ):
                        other["status"] = "deactivated"

    def live_deploy(self, service_id: str) -> dict[str, Any] | None:
        return next(
            (d for d in self.deploys.values()
             if d["serviceId"] == service_id and d["status"] == "live"),
            None,
        )  # fmt: skip

    # --- running it -------------------------------------------------------------------------

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on 127.0.0.1 (a free port) in a thread; yields the ``/v1`` base URL."""
        with serve_on_loopback(self.app(), "the fake Render API") as url:
            self.base_url = url + "/v1"
            yield self.base_url


def _branch_head(service: dict[str, Any]) -> str | None:
    """The latest commit of the service's branch, as Render would build it (for a repository
    on this machine; None otherwise)."""
    done = subprocess.run(
        ["git", "--git-dir", service["repo"], "rev-parse", "--verify", "--quiet",
         service["branch"]],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return done.stdout.strip() or None


def _public(deploy: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in deploy.items() if k != "serviceId"}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"id": str(status), "message": message}, status, headers=headers)


def _service_problem(body: Any) -> str | None:
    """What Render would refuse in a create-service body (the parts this fake checks)."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    for key in ("type", "name", "ownerId"):
        if not isinstance(body.get(key), str) or not body[key]:
            return f"{key} is required"
    if body["type"] not in SERVICE_TYPES:
        return f"type must be one of {', '.join(SERVICE_TYPES)}"
    if not isinstance(body.get("repo"), str) or "@" in body["repo"].split("//")[-1]:
        return "repo must be a repository URL without credentials"
    for key in ("autoDeploy",):
        if key in body and body[key] not in ("yes", "no"):
            return f"{key} must be 'yes' or 'no'"
    details = body.get("serviceDetails")
    if not isinstance(details, dict):
        return "serviceDetails is required"
    if details.get("pullRequestPreviewsEnabled", "no") not in ("yes", "no"):
        return "pullRequestPreviewsEnabled must be 'yes' or 'no'"
    if body["type"] == "static_site":
        if not isinstance(details.get("publishPath"), str):
            return "serviceDetails.publishPath is required for a static site"
    elif body["type"] == "web_service":
        if details.get("runtime") not in ("docker", "image", "node", "python", "ruby", "go",
                                          "rust", "elixir"):  # fmt: skip
            return "serviceDetails.runtime is required for a web service"
        disk = details.get("disk")
        if disk is not None and not (
            isinstance(disk, dict)
            and isinstance(disk.get("name"), str)
            and str(disk.get("mountPath", "")).startswith("/")
            and isinstance(disk.get("sizeGB"), int)
        ):
            return "serviceDetails.disk needs name, an absolute mountPath and sizeGB"
    return None
