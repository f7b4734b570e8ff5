"""Every client mistake is a 4xx in the JSON envelope, whichever layer notices it.

Regressions: 100,000 nested '[' gave 500 (defect 7); a lone surrogate gave 500 (defect 8); a
refused CORS preflight answered text/plain (defect 11); invisible format characters in file
names were kept (defect 12); login limits keyed on the forwarded address only (defect 13).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.http_support import (
    PASSWORD,
    api,
    create_project,
    evolve_http,
    make_settings,
    register,
)

ORIGIN = "https://app.example.org"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    settings = evolve_http(
        make_settings(Path(tmp_path_factory.mktemp("hostile"))), cors_origins=(ORIGIN,)
    )
    with api(settings) as client:
        headers = register(client, "mara@example.com")
        project_id = create_project(client, headers)
        yield {"client": client, "headers": headers, "project": project_id}


def envelope(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers.get("x-request-id")
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def raw_post(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(path, content=body, headers={**headers, "content-type": "application/json"})


def test_deeply_nested_json_is_a_400_naming_the_limit(world: dict[str, Any]) -> None:
    client, headers = world["client"], world["headers"]
    for body in (b"[" * 100_000, b'{"name": ' + b"[" * 100 + b"]" * 100 + b"}"):
        error = envelope(raw_post(client, "/api/projects", body, headers), 400)
        assert error["code"] == "json_too_deep"
        assert "KIRBYGEN_MAX_JSON_DEPTH" in error["message"]


@pytest.mark.parametrize(
    ("path", "field", "extra"),
    [
        ("/api/auth/register", "password", {"email": "x@example.com"}),
        ("/api/auth/register", "email", {"password": PASSWORD}),
        ("/api/auth/login", "password", {"email": "mara@example.com"}),
        ("/api/projects", "name", {}),
        ("/api/projects/{project}/conversation/messages", "text", {}),
    ],
)
def test_a_lone_surrogate_is_a_400(
    world: dict[str, Any], path: str, field: str, extra: dict[str, str]
) -> None:
    client = world["client"]
    body = json.dumps({**extra, field: "bad\ud800text"}).encode()  # escaped: valid JSON
    assert b"\\ud800" in body
    path = path.format(project=world["project"])
    error = envelope(raw_post(client, path, body, world["headers"]), 400)
    assert error["code"] == "invalid_unicode"
    # As a key, too.
    keyed = json.dumps({**extra, field: "ok", "\udfff": 1}).encode()
    assert envelope(raw_post(client, path, keyed, world["headers"]), 400)["code"] == (
        "invalid_unicode"
    )


def test_malformed_bodies_and_queries_are_400s(world: dict[str, Any]) -> None:
    client, headers = world["client"], world["headers"]
    assert envelope(raw_post(client, "/api/projects", b"{", headers), 400)["code"] == (
        "invalid_json"
    )
    assert envelope(raw_post(client, "/api/projects", b"\xff\xfe", headers), 400)
    for query in ("limit=\uff11\uff12", "limit=1_0", "limit=%205", "offset=" + "9" * 5000):
        envelope(client.get(f"/api/projects?{query}", headers=headers), 400)
    upload = client.post(
        f"/api/projects/{world['project']}/uploads",
        content=b"--x\r\nContent-Disposition: form-data; name=files; filename=a.md\r\n",
        headers={**headers, "content-type": "multipart/form-data; boundary=x"},
    )
    assert envelope(upload, 400)["code"] == "malformed_multipart"


def test_a_refused_preflight_and_an_unknown_method_use_the_envelope(
    world: dict[str, Any],
) -> None:
    client = world["client"]
    refused = client.options(
        "/api/projects",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert envelope(refused, 400)["code"] == "cors_refused"
    allowed = client.options(
        "/api/projects", headers={"origin": ORIGIN, "access-control-request-method": "POST"}
    )
    assert allowed.status_code == 200 and allowed.headers.get("x-request-id")
    for method in ("BREW", "TRACE", "PUT"):
        envelope(client.request(method, "/api/health"), 405)


def test_identifiers_are_validated_whole_and_bounded(world: dict[str, Any]) -> None:
    client, headers, project = world["client"], world["headers"], world["project"]
    for path in (
        f"/api/projects/{'a' * 65}",
        f"/api/projects/{project}!",
        f"/api/projects/{project}%20",
    ):
        envelope(client.get(path, headers=headers), 404)
    for path in (f"/api/projects/{project}%0A", f"/api/projects/{project}%00/runs"):
        assert envelope(client.get(path, headers=headers), 400)["code"] == "invalid_path"


def test_names_are_normalised_at_the_door(world: dict[str, Any]) -> None:
    client, headers, project = world["client"], world["headers"], world["project"]
    names = {
        "invoice\u202egpj.exe": "invoicegpj.exe",  # a right-to-left override spoofs the type
        "zero\u200bwidth.md": "zerowidth.md",
        "C:\\Users\\mara\\cv.md": "cv.md",  # the multipart parser keeps the last segment
        "D:notes/cv2.md": "notes/cv2.md",
        "/etc/passwd.txt": "etc/passwd.txt",
        "../../up.md": "up.md",
        "cafe\u0301.md": "café.md",  # NFC
    }
    files = [("files", (name, b"# Title\n\nText.\n", "text/plain")) for name in names]
    stored = client.post(f"/api/projects/{project}/uploads", files=files, headers=headers)
    assert stored.status_code == 201, stored.text
    got = [item["name"] for item in stored.json()["items"]]
    assert got == list(names.values())
    # Control bytes sent as they are (an HTTP client would percent-encode them).
    raw = (
        b'--x\r\nContent-Disposition: form-data; name="files"; filename="\x07bell\x1b.md"\r\n'
        b"Content-Type: text/plain\r\n\r\n# Bell\n\r\n--x--\r\n"
    )
    sent = client.post(
        f"/api/projects/{project}/uploads",
        content=raw,
        headers={**headers, "content-type": "multipart/form-data; boundary=x"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["items"][0]["name"] == "bell.md"


def test_login_attempts_are_limited_per_account_whatever_the_address(tmp_path: Path) -> None:
    settings = evolve_http(make_settings(tmp_path), rate_limit_login_account_max_requests=3)
    with api(settings) as client:
        register(client, "target@example.com")  # one login inside register
        for n in range(2):
            # A proxy-trusted deployment would take the client address from here.
            spoofed = {"x-forwarded-for": f"203.0.113.{n}"}
            wrong = client.post(
                "/api/auth/login",
                json={"email": "TARGET@example.com", "password": "wrong password"},
                headers=spoofed,
            )
            assert wrong.status_code == 401
        limited = client.post(
            "/api/auth/login", json={"email": "target@example.com", "password": PASSWORD}
        )
        error = envelope(limited, 429)
        assert "RATE_LIMIT_LOGIN_ACCOUNT_MAX_REQUESTS" in error["message"]
        assert int(limited.headers["retry-after"]) > 0
        other = client.post("/api/auth/register",
                            json={"email": "other@example.com", "password": PASSWORD})  # fmt: skip
        assert other.status_code == 201


@pytest.mark.parametrize(
    ("send", "close_code"),
    [
        (lambda ws: ws.send_bytes(b'{"type": "auth"}'), 1003),
        (lambda ws: ws.send_text('{"type": "auth", "token": "' + "x" * 10_000 + '"}'), 1009),
        (lambda ws: ws.send_text("[" * 1000), 4400),
        (lambda ws: ws.send_text('["auth"]'), 4400),
        (lambda ws: ws.send_text('{"type": "auth", "token": "\\ud800"}'), 4400),
        (lambda ws: ws.send_text('{"type": "auth", "token": "forged"}'), 4401),
    ],
)
def test_websocket_messages_get_proper_close_codes(
    world: dict[str, Any], send: Any, close_code: int
) -> None:
    client = world["client"]
    with client.websocket_connect(f"/api/projects/{world['project']}/events") as socket:
        send(socket)
        message = socket.receive_json()
        assert message["type"] == "error"
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == close_code


def test_websocket_query_parameters_are_checked(world: dict[str, Any]) -> None:
    client = world["client"]
    token = world["headers"]["Authorization"].removeprefix("Bearer ")
    base = f"/api/projects/{world['project']}/events?token={token}"
    for query, close_code in (("&after=-1", 4400), ("&after=\uff11", 4400), ("&run=a%0Ab", 4404)):
        with client.websocket_connect(base + query) as socket:
            assert socket.receive_json()["type"] == "error"
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive_json()
        assert closed.value.code == close_code
