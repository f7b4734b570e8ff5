"""The OpenAPI document matches the routes, and the API conforms to it (schemathesis)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import _get_portal as asgi_portal
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Route, WebSocketRoute

from config.container import build_container
from entrypoints.http.app import all_routes, create_app
from entrypoints.http.openapi import openapi_document
from tests.http_support import api, make_settings, ready_project, register, wait_for_run

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def routed() -> tuple[set[tuple[str, str]], set[str]]:
    http: set[tuple[str, str]] = set()
    sockets: set[str] = set()
    for route in all_routes():
        if isinstance(route, Route):
            # OpenAPI names a parameter without Starlette's convertor: {path:path} is {path}.
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            http |= {(m.lower(), path) for m in route.methods or () if m != "HEAD"}
        elif isinstance(route, WebSocketRoute):
            sockets.add(re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path))
    return http, sockets


def test_every_route_is_documented_and_every_operation_routed(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    http, sockets = routed()
    assert http == documented
    assert sockets == set(document["x-websockets"])


@pytest.fixture(scope="module")
def conformance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A user with a generated project; then a fresh app on the same data for schemathesis,
    which runs that app's lifespan (and so its worker) itself."""
    settings = make_settings(tmp_path_factory.mktemp("conformance"))
    with api(settings) as client:
        headers = register(client, "s@example.com")
        project_id = ready_project(client, headers)
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=headers).json()["id"]
        wait_for_run(client, headers, project_id, run_id)
    container = build_container(settings)
    late_app.target = create_app(container)
    try:
        yield {"headers": headers, "project_id": project_id, "run_id": run_id}
    finally:
        asgi_portal().call(late_app.stop)  # the worker stops before its database goes away
        container.shutdown_resources()


class LateApp:
    """An ASGI app whose target is set by a fixture: schemathesis needs an app at import time,
    the real one needs a data folder made by pytest.

    Schemathesis starts and stops the lifespan around every test; the target's lifespan (and
    its worker) is started once, on schemathesis' event loop, and stopped by ``stop``.
    """

    def __init__(self) -> None:
        self.target: Any = None
        self._inbox: asyncio.Queue[dict[str, str]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert self.target is not None, "the conformance fixture sets the app"
        if scope["type"] != "lifespan":
            await self.target(scope, receive, send)
            return
        await receive()  # lifespan.startup
        if self._task is None:
            await self._start_target()
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown: the target keeps running
        await send({"type": "lifespan.shutdown.complete"})

    async def _start_target(self) -> None:
        inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        started = asyncio.Event()
        self._inbox = inbox

        async def reply(message: Any) -> None:
            if message["type"] == "lifespan.startup.complete":
                started.set()

        await inbox.put({"type": "lifespan.startup"})
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._task = asyncio.create_task(self.target(scope, inbox.get, reply))
        await started.wait()

    async def stop(self) -> None:
        if self._task is not None and self._inbox is not None:
            await self._inbox.put({"type": "lifespan.shutdown"})
            await self._task


late_app = LateApp()
schema = schemathesis.openapi.from_dict(openapi_document("test"))
schema.app = late_app


@schema.parametrize()
@hypothesis.settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_api_conforms_to_its_document(case: Any, conformance: dict[str, Any]) -> None:
    # Most cases target the real project (and its run), so that the generated data reaches
    # past the membership check; deleting that project would end the exploration early.
    params = case.path_parameters or {}
    deleting = case.method == "DELETE" and case.path == "/api/projects/{project_id}"
    if "project_id" in params and not deleting:
        params["project_id"] = conformance["project_id"]
    if "run_id" in params:
        params["run_id"] = conformance["run_id"]
    case.call_and_validate(headers=conformance["headers"], checks=CHECKS)
