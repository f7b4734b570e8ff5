"""The web app's files beside the API: served with a strict policy, never in the API's way;
and the report the result page reads."""

from __future__ import annotations

from pathlib import Path

from entrypoints.http.web import WEB_DIR, content_security_policy, web_routes
from tests.http_support import api, make_settings, ready_project, register, wait_for_run


def test_the_app_is_served_with_a_strict_policy(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert '<script type="module" src="app.js">' in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
        assert page.headers["cache-control"] == "no-cache"
        script = client.get("/pages/run.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert client.get("/config.js").text.count('apiUrl: ""') == 1


def test_the_api_keeps_its_own_answers(tmp_path: Path) -> None:
    with api(make_settings(tmp_path)) as client:
        missing = client.get("/api/no-such-thing")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
        wrong_method = client.put("/api/projects")
        assert wrong_method.status_code == 405
        assert client.get("/no-such-file.js").status_code == 404


def test_every_file_of_the_app_has_a_route_and_no_inline_code() -> None:
    addresses = {route.path for route in web_routes()}
    for path in WEB_DIR.rglob("*"):
        if path.is_file():
            assert "/" + path.relative_to(WEB_DIR).as_posix() in addresses
            text = path.read_text(encoding="utf-8")
            # What a strict CSP would block: inline handlers, style attributes, inline scripts.
            assert " onclick=" not in text and ' style="' not in text, path
    index = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "<style" not in index
    assert web_routes(WEB_DIR / "missing") == []


def test_a_separate_api_origin_is_allowed_to_connect_and_be_framed() -> None:
    policy = content_security_policy(["https://api.example.com", "wss://api.example.com"])
    assert "connect-src 'self' https://api.example.com wss://api.example.com;" in policy
    assert "frame-src 'self' https://api.example.com" in policy


def test_the_report_of_the_last_run(tmp_path: Path) -> None:
    with api(make_settings(tmp_path / "data")) as client:
        headers = register(client, "r@example.com")
        project_id = ready_project(client, headers)
        base = f"/api/projects/{project_id}"
        early = client.get(f"{base}/report.json", headers=headers)
        assert early.status_code == 404
        assert early.json()["error"]["code"] == "output_not_found"
        run_id = client.post(f"{base}/runs", headers=headers).json()["id"]
        assert wait_for_run(client, headers, project_id, run_id)["status"] == "succeeded"
        report = client.get(f"{base}/report.json", headers=headers)
        assert report.status_code == 200
        body = report.json()
        assert body["items"] > 0 and "rejected" in body and "warnings" in body
        other = register(client, "o@example.com")
        assert client.get(f"{base}/report.json", headers=other).status_code == 404
