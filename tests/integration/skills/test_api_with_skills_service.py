"""The API with SKILLS_BASE_URL: the conversation and its in-process runs use the skills
service; /api/ready reports it; when it goes away, readiness and the calls that need it
answer 503 naming it — and come back with it."""

from __future__ import annotations

from pathlib import Path

import attrs

from tests.http_support import (
    api,
    create_project,
    make_settings,
    ready_project,
    register,
    upload_examples,
    wait_for_run,
)
from tests.support.skills_service import FaultyProxy, SkillsService


def test_the_api_uses_the_skills_service_and_reports_its_outage(
    tmp_path: Path, service: SkillsService
) -> None:
    with FaultyProxy(service.url) as proxy:
        settings = make_settings(tmp_path / "data")
        remote = service.settings(base_url=proxy.url, retries=0)
        settings = attrs.evolve(settings, backends=attrs.evolve(settings.backends, skills=remote))
        before = service.calls()
        with api(settings) as client:
            ready = client.get("/api/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"]["skills"]["status"] == "ok"

            headers = register(client, "skills@example.com")
            project_id = ready_project(client, headers)
            started = client.post(f"/api/projects/{project_id}/runs", headers=headers)
            assert started.status_code == 202, started.text
            run = wait_for_run(client, headers, project_id, started.json()["id"])
            assert run["status"] == "succeeded", run
            after = service.calls()
            # Mapping for the conversation; structuring and design for the run.
            for slot in ("mapping", "structuring", "design"):
                assert after.get(slot, 0) > before.get(slot, 0), slot

            fresh = create_project(client, headers, "Second")
            upload_examples(client, headers, fresh)
            proxy.fail_next(1, 503)
            refused = client.post(f"/api/projects/{fresh}/conversation", json={}, headers=headers)
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"]["code"] == "skills_unavailable"
            assert proxy.url in refused.json()["error"]["message"]

            proxy.stall("/health")
            proxy.stall("/skills")
            down = client.get("/api/ready")
            assert down.status_code == 503
            checks = down.json()["error"]["details"]["checks"]
            assert checks["skills"]["status"] == "down"
            assert checks["database"]["status"] == "ok"
            assert "skills" in down.json()["error"]["message"]
