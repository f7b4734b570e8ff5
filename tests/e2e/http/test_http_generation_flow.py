"""The whole product through the HTTP API: register → project → uploads → conversation →
approve → run → live progress over the WebSocket → a site.zip that is a valid Kirby site."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest

from adapters.cms.kirby.check import KirbySiteChecker
from application.pipeline import GENERATION_PHASES
from domain.issues import Severity
from domain.project import Phase
from tests.http_support import (
    EXAMPLE,
    api,
    create_project,
    make_settings,
    register,
    upload_examples,
)
from tests.support.kirby_values import field_mismatches
from tests.support.real_kirby import judge_site, require_real_kirby

pytestmark = pytest.mark.slow


def test_register_to_checked_site_over_http(tmp_path: Path) -> None:
    with api(make_settings(tmp_path / "data")) as client:
        headers = register(client, "mara@example.com")
        token = headers["Authorization"].removeprefix("Bearer ")
        project_id = create_project(client, headers, "Mara Lindqvist")
        uploads = upload_examples(client, headers, project_id)
        assert sorted(u["name"] for u in uploads) == sorted(
            p.name for p in EXAMPLE.rglob("*") if p.is_file()
        )

        base = f"/api/projects/{project_id}"
        started = client.post(f"{base}/conversation", json={}, headers=headers).json()
        assert "Projects" in started["reply"]
        turns = [
            "rename project to Work",
            "rename field client in work to Commissioned by",
            "add field Awards as tags to project",
            "next",
        ]
        for text in turns:
            answer = client.post(
                f"{base}/conversation/messages", json={"text": text}, headers=headers
            )
            assert answer.status_code == 200, answer.text
        puzzled = client.post(
            f"{base}/conversation/messages", json={"text": "make it pop"}, headers=headers
        )
        assert puzzled.status_code == 200 and "rename" in puzzled.json()["reply"]
        conversation = client.get(f"{base}/conversation", headers=headers).json()
        assert len(conversation["turns"]) == 1 + 2 * (len(turns) + 1)
        work = next(e for e in conversation["schema"]["entities"] if e["id"] == "project")
        assert work["name"] == "Work"
        assert {f["label"] for f in work["fields"]} >= {"Commissioned by", "Awards"}

        approved = client.post(
            f"{base}/conversation/messages", json={"text": "approve"}, headers=headers
        )
        assert approved.json()["approved"] is True
        assert client.get(base, headers=headers).json()["status"] == "ready"

        run = client.post(f"{base}/runs", headers=headers)
        assert run.status_code == 202
        run_id = run.json()["id"]

        received = []
        with client.websocket_connect(f"{base}/events") as socket:
            socket.send_json({"type": "auth", "token": token})
            while True:
                message = socket.receive_json()
                if message["type"] == "end":
                    final = message["run"]
                    break
                received.append(message["event"])
        assert final["id"] == run_id and final["status"] == "succeeded"
        completed = [e["phase"] for e in received if e["status"] == "completed"]
        assert completed == [p.value for p in (*GENERATION_PHASES, Phase.VERSIONING)]
        assert [e["seq"] for e in received] == list(range(1, len(received) + 1))
        assert client.get(base, headers=headers).json()["status"] == "generated"

        archive = client.get(f"{base}/site.zip", headers=headers)
        assert archive.status_code == 200
        assert archive.headers["content-type"] == "application/zip"
        site = tmp_path / "site"
        with zipfile.ZipFile(io.BytesIO(archive.content)) as unpacked:
            unpacked.extractall(site)
        errors = [i for i in KirbySiteChecker().check(site) if i.severity is Severity.ERROR]
        assert errors == []
        assert (
            "Commissioned by"
            in (site / "site" / "blueprints" / "pages" / "project.yml").read_text()
        )
        require_real_kirby()
        verdict = judge_site(site, tmp_path / "kirby")
        assert verdict.problems == []
        assert field_mismatches(site, verdict.inspection) == []

        tokens = client.get(f"{base}/tokens.json", headers=headers)
        assert tokens.status_code == 200 and "color" in tokens.json()

        # The preview: the static export of the run, opened by a link that carries its token
        # in the path, so the export's relative links keep working inside an iframe.
        link = client.post(f"{base}/preview", headers=headers)
        assert link.status_code == 200, link.text
        url = link.json()["url"]
        assert url.startswith(f"{base}/preview/") and url.endswith("/")
        home = client.get(url)
        assert home.status_code == 200
        assert home.headers["content-type"].startswith("text/html")
        assert "frame-ancestors 'self'" in home.headers["content-security-policy"]
        assert "Mara Lindqvist" in home.text
        targets = re.findall(r'(?:href|src)="([^"#?:]+)"', home.text)
        assert targets, "the preview's home page links nowhere"
        for target in targets:
            followed = client.get(urljoin(url, target))
            assert followed.status_code == 200, (target, followed.text)
        forged = client.get(f"{base}/preview/not-a-token/index.html")
        assert forged.status_code == 404
        assert forged.json()["error"]["code"] == "preview_not_found"
        escape = client.get(url + "..%2F..%2Fsite.zip")
        assert escape.status_code == 404
