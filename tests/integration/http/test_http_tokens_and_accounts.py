"""Tokens are checked completely, and accounts and memberships can be ended.

Regressions: a deleted user kept access with a still-valid access token (defect 4); after
rotation R1→R2, presenting R1 again did not revoke R2 (defect 5).
"""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from entrypoints.http.context import REFRESH_COOKIE
from tests.http_support import PASSWORD, api, create_project, make_settings, register


def login(client: TestClient, email: str) -> tuple[dict[str, str], str]:
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers, response.cookies[REFRESH_COOKIE]


def use_cookie(client: TestClient, token: str) -> None:
    client.cookies.clear()
    client.cookies.set(REFRESH_COOKIE, token)


def refresh(client: TestClient, token: str) -> tuple[int, str | None]:
    use_cookie(client, token)
    response = client.post("/api/auth/refresh")
    return response.status_code, response.cookies.get(REFRESH_COOKIE)


def test_a_deleted_user_loses_access_at_once(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        headers = register(client, "gone@example.com")
        project_id = create_project(client, headers)
        other = register(client, "stays@example.com")
        shared_id = create_project(client, other, "Shared")
        added = client.put(
            f"/api/projects/{shared_id}/members",
            json={"email": "gone@example.com", "role": "editor"},
            headers=other,
        )
        assert added.status_code == 200

        wrong = client.request(
            "DELETE", "/api/auth/me", json={"password": "not the password"}, headers=headers
        )
        assert wrong.status_code == 401
        deleted = client.request("DELETE", "/api/auth/me", json={"password": PASSWORD},
                                 headers=headers)  # fmt: skip
        assert deleted.status_code == 204, deleted.text

        for method, path, body in [
            ("GET", "/api/projects", None),
            ("POST", "/api/projects", {"name": "Ghost"}),
            ("GET", "/api/auth/me", None),
            ("GET", f"/api/projects/{shared_id}", None),
        ]:
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"]["code"] == "user_deleted"
        # The owned project went with the account; the shared one stays, without the member.
        assert client.get(f"/api/projects/{project_id}", headers=other).status_code == 404
        members = client.get(f"/api/projects/{shared_id}/members", headers=other).json()
        assert [m["email"] for m in members["items"]] == ["stays@example.com"]
        again = client.post("/api/auth/login", json={"email": "gone@example.com",
                                                     "password": PASSWORD})  # fmt: skip
        assert again.status_code == 401


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        register(client, "mara@example.com")
        _, r1 = login(client, "mara@example.com")
        _, other_login = login(client, "mara@example.com")
        status, r2 = refresh(client, r1)
        assert status == 200 and r2 and r2 != r1
        status, _ = refresh(client, r1)  # replayed: stolen or leaked
        assert status == 401
        status, _ = refresh(client, r2)  # the newest token of that login is gone too
        assert status == 401
        status, _ = refresh(client, other_login)  # another login is not affected
        assert status == 200


def test_logout_ends_the_family_and_logout_everywhere_ends_every_token(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        register(client, "mara@example.com")
        _, r1 = login(client, "mara@example.com")
        status, r2 = refresh(client, r1)
        assert status == 200 and r2
        use_cookie(client, r2)
        client.post("/api/auth/logout")
        assert refresh(client, r2)[0] == 401

        first, keep = login(client, "mara@example.com")
        second, _ = login(client, "mara@example.com")
        assert client.get("/api/auth/me", headers=first).status_code == 200
        project = f"/api/projects/{create_project(client, first)}"
        assert client.get(project, headers=first).status_code == 200
        ended = client.post("/api/auth/logout-everywhere", headers=second)
        assert ended.status_code == 204
        for headers in (first, second):
            # Every way in checks the token version: the project's own routes read it
            # together with the membership.
            for method, path, body in [
                ("GET", "/api/auth/me", None),
                ("GET", project, None),
                ("PATCH", project, {"name": "Renamed"}),
            ]:
                refused = client.request(method, path, json=body, headers=headers)
                assert refused.status_code == 401, (method, path, refused.text)
                assert "revoked" in refused.json()["error"]["message"]
        assert refresh(client, keep)[0] == 401
        fresh, _ = login(client, "mara@example.com")  # logging in again works
        assert client.get("/api/auth/me", headers=fresh).status_code == 200


def test_owner_removes_a_member_and_a_member_may_leave(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        owner = register(client, "owner@example.com")
        editor = register(client, "editor@example.com")
        viewer = register(client, "viewer@example.com")
        project_id = create_project(client, owner)
        base = f"/api/projects/{project_id}/members"
        ids = {}
        for email, role in [("editor@example.com", "editor"), ("viewer@example.com", "viewer")]:
            added = client.put(base, json={"email": email, "role": role}, headers=owner)
            ids[role] = added.json()["user_id"]
        owner_id = client.get("/api/auth/me", headers=owner).json()["user"]["id"]

        assert client.delete(f"{base}/{ids['viewer']}", headers=editor).status_code == 403
        assert client.delete(f"{base}/{owner_id}", headers=owner).status_code == 409
        assert client.delete(f"{base}/{ids['viewer']}", headers=owner).status_code == 204
        assert client.delete(f"{base}/{ids['viewer']}", headers=owner).status_code == 404
        assert client.get(f"/api/projects/{project_id}", headers=viewer).status_code == 404
        assert client.delete(f"{base}/{ids['editor']}", headers=editor).status_code == 204
        assert client.get(f"/api/projects/{project_id}", headers=editor).status_code == 404
        assert [m["role"] for m in client.get(base, headers=owner).json()["items"]] == ["owner"]
