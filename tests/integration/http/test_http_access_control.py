"""Who may do what: non-members see 404 everywhere, anonymous callers 401, viewers only read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from entrypoints.http.openapi import PATHS
from tests.http_support import (
    PASSWORD,
    api,
    make_settings,
    ready_project,
    register,
    wait_for_run,
)

PROJECT_OPERATIONS = [
    (method.upper(), path)
    for path, operations in PATHS.items()
    if "{project_id}" in path
    for method in operations
]
PRIVATE_OPERATIONS = [
    (method.upper(), path)
    for path, operations in PATHS.items()
    for method, operation in operations.items()
    if operation.get("security") != []
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """User A with a generated project (an upload and a finished run); user B and C."""
    data = tmp_path_factory.mktemp("access")
    with api(make_settings(Path(data))) as client:
        a = register(client, "a@example.com")
        b = register(client, "b@example.com")
        viewer = register(client, "viewer@example.com")
        project_id = ready_project(client, a)
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=a).json()["id"]
        wait_for_run(client, a, project_id, run_id)
        upload_id = client.get(f"/api/projects/{project_id}/uploads", headers=a).json()["items"][0][
            "id"
        ]
        shared = client.put(
            f"/api/projects/{project_id}/members",
            json={"email": "viewer@example.com", "role": "viewer"},
            headers=a,
        )
        assert shared.status_code == 200, shared.text
        yield {
            "client": client,
            "a": a,
            "b": b,
            "viewer": viewer,
            "ids": {"project_id": project_id, "run_id": run_id, "upload_id": upload_id},
        }


def _url(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "x"), path)


def _call(client: TestClient, method: str, url: str, headers: dict[str, str]) -> Any:
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, url, json={"name": "x", "text": "approve"}, headers=headers)
    return client.request(method, url, headers=headers)


@pytest.mark.parametrize(("method", "path"), PROJECT_OPERATIONS)
def test_another_users_project_is_not_found(world: dict[str, Any], method: str, path: str) -> None:
    response = _call(world["client"], method, _url(path, world["ids"]), world["b"])
    assert response.status_code == 404, response.text
    # A preview file is authorised by the token in its path, not by the caller: a token B
    # could make up is refused the same way, without naming the project.
    expected = "preview_not_found" if "{token}" in path else "project_not_found"
    assert response.json()["error"]["code"] == expected


@pytest.mark.parametrize(("method", "path"), PRIVATE_OPERATIONS)
def test_anonymous_callers_are_unauthenticated(
    world: dict[str, Any], method: str, path: str
) -> None:
    response = _call(world["client"], method, _url(path, world["ids"]), {})
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_forged_token_is_unauthenticated(world: dict[str, Any]) -> None:
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}
    assert world["client"].get("/api/projects", headers=forged).status_code == 401


def test_the_project_stayed_intact(world: dict[str, Any]) -> None:
    """B's attempts (including DELETE) changed nothing."""
    client, a, ids = world["client"], world["a"], world["ids"]
    assert client.get(f"/api/projects/{ids['project_id']}", headers=a).status_code == 200
    assert client.get(f"/api/projects/{ids['project_id']}/site.zip", headers=a).status_code == 200


def test_another_user_cannot_open_the_event_socket(world: dict[str, Any]) -> None:
    client, ids = world["client"], world["ids"]
    token = world["b"]["Authorization"].removeprefix("Bearer ")
    url = f"/api/projects/{ids['project_id']}/events?token={token}"
    with client.websocket_connect(url) as socket:
        message = socket.receive_json()
        assert message["type"] == "error"
        assert message["error"]["code"] == "project_not_found"
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4404


def test_the_event_socket_needs_a_token(world: dict[str, Any]) -> None:
    client, ids = world["client"], world["ids"]
    with client.websocket_connect(f"/api/projects/{ids['project_id']}/events") as socket:
        socket.send_json({"type": "auth", "token": "not-a-token"})
        assert socket.receive_json()["error"]["code"] == "unauthenticated"
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4401


def test_a_viewer_reads_but_cannot_start_runs(world: dict[str, Any]) -> None:
    client, viewer, ids = world["client"], world["viewer"], world["ids"]
    base = f"/api/projects/{ids['project_id']}"
    assert client.get(base, headers=viewer).status_code == 200
    assert client.get(f"{base}/runs", headers=viewer).status_code == 200
    refused = client.post(f"{base}/runs", headers=viewer)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert client.post(f"{base}/runs/{ids['run_id']}/retry", headers=viewer).status_code == 403
    assert client.patch(base, json={"name": "Mine"}, headers=viewer).status_code == 403
    assert client.delete(base, headers=viewer).status_code == 403
    files = [("files", ("a.txt", b"hello", "text/plain"))]
    assert client.post(f"{base}/uploads", files=files, headers=viewer).status_code == 403


def test_a_viewer_may_watch_the_event_socket(world: dict[str, Any]) -> None:
    client, ids = world["client"], world["ids"]
    token = world["viewer"]["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/api/projects/{ids['project_id']}/events?token={token}") as ws:
        messages = []
        while True:
            message = ws.receive_json()
            messages.append(message)
            if message["type"] == "end":
                break
    assert messages[-1]["run"]["status"] == "succeeded"
    assert messages[0]["event"]["seq"] == 1


def test_refresh_rotates_and_logout_ends_the_session(world: dict[str, Any]) -> None:
    client = world["client"]
    login = client.post("/api/auth/login", json={"email": "b@example.com", "password": PASSWORD})
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    refreshed = client.post("/api/auth/refresh")
    assert refreshed.status_code == 200, refreshed.text
    me = client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    )
    assert me.json()["user"]["email"] == "b@example.com"
    assert client.post("/api/auth/logout").status_code == 204
    assert client.post("/api/auth/refresh").status_code == 401


def test_wrong_password_is_refused_and_email_is_unique(world: dict[str, Any]) -> None:
    client = world["client"]
    wrong = client.post("/api/auth/login", json={"email": "a@example.com", "password": "nope-nope"})
    assert wrong.status_code == 401
    again = client.post("/api/auth/register", json={"email": "A@example.com", "password": PASSWORD})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "email_taken"
