"""Upload limits are enforced while the body streams in, and a refused request stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.http_support import api, create_project, evolve_http, make_settings, register

MIB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = "kirbygen-test-boundary"


class CountingBody:
    """A multipart body of one ``size``-byte file, produced chunk by chunk (never whole)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    def chunks(self) -> Iterator[bytes]:
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="huge.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        block = b"a" * CHUNK  # the same block again and again: nothing big is allocated
        remaining = self.size
        while remaining > 0:
            piece = block if remaining >= CHUNK else block[:remaining]
            remaining -= len(piece)
            self.sent += len(piece)
            yield piece
        yield f"\r\n--{BOUNDARY}--\r\n".encode()


def post_streamed(client: TestClient, path: str, token: str, body: CountingBody) -> dict[str, Any]:
    """Drive the ASGI app directly: the test client would read a generator body whole."""
    chunks = body.chunks()
    response: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443),
        "state": {},
    }

    async def call() -> None:
        await client.app(scope, receive, send)

    assert client.portal is not None
    client.portal.call(call)
    response["json"] = json.loads(response["body"])
    return response


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = evolve_http(
        make_settings(tmp_path), max_upload_bytes=50 * MIB, max_files_per_request=3
    )
    with api(settings) as test_client:
        yield test_client


def _project(client: TestClient) -> tuple[dict[str, str], str, str]:
    headers = register(client, "u@example.com")
    return (
        headers,
        headers["Authorization"].removeprefix("Bearer "),
        create_project(client, headers),
    )


def _stored_files(client: TestClient, project_id: str) -> list[str]:
    storage = client.app.state.container.storage()  # type: ignore[attr-defined]
    return [k for k in storage.list(f"projects/{project_id}/") if "/uploads/" in k]


def test_a_200_mib_upload_is_refused_after_the_limit_plus_one_chunk(client: TestClient) -> None:
    headers, token, project_id = _project(client)
    body = CountingBody(200 * MIB)
    response = post_streamed(client, f"/api/projects/{project_id}/uploads", token, body)
    assert response["status"] == 413
    error = response["json"]["error"]
    assert error["code"] == "file_too_large"
    assert error["details"] == {"limit": "KIRBYGEN_MAX_UPLOAD_BYTES", "value": 50 * MIB}
    assert "KIRBYGEN_MAX_UPLOAD_BYTES" in error["details"]["limit"]
    assert body.sent <= 50 * MIB + CHUNK
    listed = client.get(f"/api/projects/{project_id}/uploads", headers=headers).json()
    assert listed["items"] == []
    assert _stored_files(client, project_id) == []


def test_too_many_files_are_refused_and_nothing_is_kept(client: TestClient) -> None:
    headers, _, project_id = _project(client)
    files = [("files", (f"n{i}.txt", b"note %d" % i, "text/plain")) for i in range(4)]
    response = client.post(f"/api/projects/{project_id}/uploads", files=files, headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["details"]["limit"] == "KIRBYGEN_MAX_FILES_PER_REQUEST"
    assert _stored_files(client, project_id) == []


def test_types_come_from_the_bytes_and_one_bad_file_refuses_the_request(client: TestClient) -> None:
    headers, _, project_id = _project(client)
    url = f"/api/projects/{project_id}/uploads"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    mixed = [
        ("files", ("notes.txt", b"plain words", "text/plain")),
        ("files", ("photo.txt", b"\x00\x01\x02binary", "text/plain")),
    ]
    refused = client.post(url, files=mixed, headers=headers)
    assert refused.status_code == 415
    assert _stored_files(client, project_id) == []
    empty = client.post(url, files=[("files", ("e.md", b"", "text/markdown"))], headers=headers)
    assert empty.status_code == 422
    accepted = client.post(
        url, files=[("files", ("photo.txt", png, "text/plain"))], headers=headers
    )
    assert accepted.status_code == 201
    assert accepted.json()["items"][0]["media_type"] == "image/png"
    script = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    svg = client.post(url, files=[("files", ("x.svg", script, "image/svg+xml"))], headers=headers)
    assert svg.status_code == 422


def test_updates_merge_and_deleting_removes_the_files(client: TestClient) -> None:
    headers, _, project_id = _project(client)
    base = f"/api/projects/{project_id}"
    files = [("files", ("about.md", b"# About\n\nHello.", "text/markdown"))]
    upload = client.post(f"{base}/uploads", files=files, headers=headers).json()["items"][0]
    changed = client.patch(base, json={"brand_colors": ["#B4532A"]}, headers=headers).json()
    assert changed["brand_colors"] == ["#b4532a"] and changed["name"] == "Mara"
    renamed = client.patch(base, json={"name": "Mara L."}, headers=headers).json()
    assert renamed["brand_colors"] == ["#b4532a"]
    assert client.get(f"{base}/uploads", headers=headers).json()["items"] == [upload]
    content = client.get(f"{base}/uploads/{upload['id']}/content", headers=headers)
    assert content.content == b"# About\n\nHello."
    assert _stored_files(client, project_id) != []
    assert client.delete(base, headers=headers).status_code == 204
    assert _stored_files(client, project_id) == []
    assert client.get(base, headers=headers).status_code == 404


def test_a_json_body_over_its_limit_is_refused(tmp_path: Path) -> None:
    settings = evolve_http(make_settings(tmp_path), max_json_bytes=100)
    with api(settings) as small:
        response = small.post("/api/auth/register", json={"email": "a" * 200, "password": "x"})
    assert response.status_code == 413
    assert response.json()["error"]["details"]["limit"] == "KIRBYGEN_MAX_JSON_BYTES"
