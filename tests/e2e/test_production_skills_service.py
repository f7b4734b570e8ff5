"""The production stack with its skills on a separate `kirbygen skills-api` process, as on
Render: the API (conversation) and the worker (the run) call it over HTTP. The counting
plugin is installed in the skills service only, so the calls it counts — with the process
that made them — prove the worker's skills ran there; `/api/ready` reports the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sql.database import upgrade
from tests.e2e.processes import (
    Client,
    Process,
    completed_phases,
    gate_plugin_env,
    processes,
    receive_until_end,
    start_serve,
    wait_until_ready,
)
from tests.e2e.test_production_processes import PHASES, production_env
from tests.support.skills_service import skills_service

pytestmark = pytest.mark.slow
__all__ = ["production_env"]  # the fixture, shared with the production-stack tests


def test_the_worker_and_the_api_call_the_skills_service(
    tmp_path: Path, production_env: dict[str, str]
) -> None:
    upgrade(production_env["DATABASE_URL"])
    gate = tmp_path / "skills-gate"
    # The plugin lives in the skills service; the API and the worker load no plugin at all.
    plugin = gate_plugin_env(tmp_path / "skills", gate)
    with skills_service(
        tmp_path / "skills-api.log", {**plugin, "KIRBYGEN_DISABLE_PLUGINS": "0"}
    ) as service:
        env = {
            k: v
            for k, v in production_env.items()
            if k not in ("PYTHONPATH", "KIRBYGEN_TEST_GATE_DIR")
        }
        env |= {
            "KIRBYGEN_DISABLE_PLUGINS": "1",
            "SKILLS_BASE_URL": service.url.removeprefix("http://"),
            "SKILLS_API_TOKEN": service.token,
        }
        with processes() as started:
            api, base = start_serve(env, tmp_path / "api.log")
            started.append(api)
            started.append(Process(["worker"], env, tmp_path / "worker.log"))
            wait_until_ready(api, base)
            client = Client(base)
            ready = client.http.get("/api/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"]["skills"]["status"] == "ok"

            client.register("skills@example.com")
            project_id = client.ready_project()  # the conversation maps over HTTP
            assert service.calls().get("mapping", 0) == 1
            run_id = client.start_run(project_id)
            with client.watch(project_id, run_id) as socket:
                events, end = receive_until_end(socket)
            client.close()

    assert end["run"]["status"] == "succeeded", end
    assert completed_phases(events) == PHASES
    # The plugin of the skills service did the structuring and the design, in its process.
    for skill in ("structuring", "design"):
        callers = (gate / f"{skill}.calls").read_text().split()
        assert callers == [str(service.pid)], skill
    log = service.log.read_text()
    assert "POST /skills/structuring 200" in log
    assert "POST /skills/design 200" in log
