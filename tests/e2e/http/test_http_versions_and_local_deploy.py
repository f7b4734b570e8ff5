"""Runs end with a commit in the project's site repository (pushed to its remote), a retried
run commits once, the diff between two runs shows what changed, and a local deployment of the
latest version serves the static export and the Kirby site itself."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import attrs
import pytest
from starlette.testclient import TestClient

from config.container import build_container
from tests.http_support import EXAMPLE, api, make_settings, ready_project, register, wait_for_run
from tests.support.git_tool import require_git
from tests.support.real_kirby import require_real_kirby

pytestmark = pytest.mark.slow
SECRET = "s3cret-remote-token"
WAIT_SECONDS = 60


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def _run(client: TestClient, headers: dict[str, str], project_id: str) -> dict[str, Any]:
    started = client.post(f"/api/projects/{project_id}/runs", headers=headers)
    assert started.status_code == 202, started.text
    return wait_for_run(client, headers, project_id, started.json()["id"])


def _replace_upload(
    client: TestClient, headers: dict[str, str], project_id: str, name: str, data: bytes
) -> None:
    base = f"/api/projects/{project_id}/uploads"
    old = next(u for u in client.get(base, headers=headers).json()["items"] if u["name"] == name)
    assert client.delete(f"{base}/{old['id']}", headers=headers).status_code == 204
    added = client.post(base, files=[("files", (name, data, "text/markdown"))], headers=headers)
    assert added.status_code == 201, added.text


def _wait_deployment(
    client: TestClient, headers: dict[str, str], project_id: str, deployment_id: str
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found: dict[str, Any] = client.get(
            f"/api/projects/{project_id}/deployments/{deployment_id}", headers=headers
        ).json()
        if found["status"] not in ("queued", "deploying"):
            return found
        time.sleep(0.05)
    raise AssertionError(f"deployment {deployment_id} did not finish")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def _kirby_paths(site: Path) -> list[str]:
    """The URL path of every published page of a Kirby site, from its content folders."""
    paths = []
    for text in sorted((site / "content").rglob("*.txt")):
        folder = text.parent.relative_to(site / "content")
        if text.name.count(".") > 1 or folder == Path(".") or "_drafts" in folder.parts:
            continue  # file metadata, site.txt, drafts
        slug = "/".join(re.sub(r"^\d+_", "", part) for part in folder.parts)
        if slug == "error":
            continue
        paths.append("" if slug == "home" else slug)
    return paths


def test_runs_are_versioned_pushed_and_diffable(tmp_path: Path) -> None:
    require_git()
    remotes = tmp_path / "remotes"
    settings = make_settings(tmp_path / "data")
    git = attrs.evolve(
        settings.deploy.git, remote_url=str(remotes / "{project}.git"), password=SECRET
    )
    settings = attrs.evolve(settings, deploy=attrs.evolve(settings.deploy, git=git))
    with api(settings) as client:
        headers = register(client, "mara@example.com")
        project_id = ready_project(client, headers)
        base = f"/api/projects/{project_id}"

        # The remote does not exist yet: the commit is made, the push fails, the run fails
        # at versioning with a message that names the remote but not the credentials.
        first = _run(client, headers, project_id)
        assert first["status"] == "failed", first
        assert first["failure"]["phase"] == "versioning"
        assert first["failure"]["code"] == "git_failed"
        assert SECRET not in str(first)
        versions = client.get(f"{base}/versions", headers=headers).json()["items"]
        assert [v["run_id"] for v in versions] == [first["id"]]

        # Retried once the remote exists: the same commit is pushed, no second one is made.
        remote = remotes / f"{project_id}.git"
        _git("init", "--quiet", "--bare", str(remote))
        retried = client.post(f"{base}/runs/{first['id']}/retry", headers=headers)
        assert retried.status_code == 202, retried.text
        first = wait_for_run(client, headers, project_id, first["id"])
        assert first["status"] == "succeeded", first
        assert "versioning" in first["completed_phases"]
        versions = client.get(f"{base}/versions", headers=headers).json()["items"]
        assert len(versions) == 1
        assert first["commit_id"] == versions[0]["commit"]
        assert _git("--git-dir", str(remote), "rev-parse", "main").strip() == first["commit_id"]
        assert "page" in versions[0]["subject"] and f"Run {first['id']}" in versions[0]["subject"]

        # A changed document makes a second commit whose diff shows the change.
        about = (EXAMPLE / "about.md").read_text(encoding="utf-8")
        changed = about.replace("Gothenburg, Sweden", "Malmö, Sweden")
        assert changed != about
        _replace_upload(client, headers, project_id, "about.md", changed.encode())
        second = _run(client, headers, project_id)
        assert second["status"] == "succeeded", second
        versions = client.get(f"{base}/versions", headers=headers).json()["items"]
        assert [v["run_id"] for v in versions] == [second["id"], first["id"]]
        assert "changed" in versions[0]["subject"]
        assert "based_in" in versions[0]["message"].lower().replace("-", "_")
        diff = client.get(f"{base}/versions/{first['id']}..{second['id']}", headers=headers)
        assert diff.status_code == 200, diff.text
        body = diff.json()
        changed_paths = {f["path"] for f in body["files"] if f["change"] == "changed"}
        assert any(p.startswith("content/") and p.endswith("about.txt") for p in changed_paths)
        assert "+Based-in: Malmö, Sweden" in body["patch"] or "Malmö" in body["patch"]
        assert "-" in body["patch"] and "Gothenburg, Sweden" in body["patch"]
        assert _git("--git-dir", str(remote), "rev-parse", "main").strip() == second["commit_id"]

        # An unchanged run adds no commit; its commit is the version it produced.
        third = _run(client, headers, project_id)
        assert third["status"] == "succeeded"
        versions = client.get(f"{base}/versions", headers=headers).json()["items"]
        assert len(versions) == 2 and third["commit_id"] == second["commit_id"]

        # Names that are neither runs nor commits are refused clearly.
        missing = client.get(f"{base}/versions/nope..{second['id']}", headers=headers)
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "version_not_found"


def test_local_deployment_serves_the_export_and_the_kirby_site(tmp_path: Path) -> None:
    require_git()
    core = require_real_kirby()
    settings = make_settings(tmp_path / "data")
    settings = attrs.evolve(settings, deploy=attrs.evolve(settings.deploy, kirby_core=core))
    container = build_container(settings)
    with api(settings, container) as client:
        headers = register(client, "mara@example.com")
        project_id = ready_project(client, headers)
        base = f"/api/projects/{project_id}"
        unknown = client.post(f"{base}/deployments", json={"target": "ftp"}, headers=headers)
        assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_target"
        early = client.post(f"{base}/deployments", json={"target": "local"}, headers=headers)
        assert early.status_code == 409 and early.json()["error"]["code"] == "no_version"
        run = _run(client, headers, project_id)
        assert run["status"] == "succeeded", run

        started = client.post(f"{base}/deployments", json={"target": "local"}, headers=headers)
        assert started.status_code == 202, started.text
        deployment = _wait_deployment(client, headers, project_id, started.json()["id"])
        assert deployment["status"] == "live", deployment
        assert deployment["commit"] == run["commit_id"]
        url = deployment["url"]
        assert url.startswith("http://127.0.0.1:")
        status, home = _get(url)
        assert status == 200 and "Mara" in home
        events = client.get(f"{base}/deployments/{deployment['id']}/events", headers=headers)
        messages = [e["message"] for e in events.json()["items"]]
        assert any("Kirby site served at" in m for m in messages), messages
        assert (
            client.get(f"{base}/runs/{run['id']}", headers=headers).json()["deployment_id"]
            == deployment["id"]
        )

        server = container.local_deployer().servers[deployment["id"]]
        assert server.kirby_url is not None
        site = tmp_path / "data" / "deployments" / deployment["id"]
        assert (site / "kirby").is_dir() and not (site / "kirby").is_symlink()
        paths = _kirby_paths(site)
        assert len(paths) > 3
        for path in paths:
            status, page = _get(server.kirby_url + path)
            assert status == 200, (path, page[:300])
        assert "<title>" in _get(server.kirby_url)[1]

        stopped = client.delete(f"{base}/deployments/{deployment['id']}", headers=headers)
        assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)
        assert not (site / "kirby").exists()
