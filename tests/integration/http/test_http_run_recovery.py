"""Runs that must wait (deferred), outlive a phase's timeout, or lose their process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from dependency_injector import providers

from config.container import build_container
from config.settings import Settings
from domain.content import StructuredContent
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import Document
from domain.errors import RunDeferred
from domain.ports import ContentStructurer, DesignSkill, DocumentParser, DomainMapper, SkillRegistry
from domain.schema import ContentSchema
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.http_support import api, make_settings, ready_project, register, wait_for_run
from tests.support.failing import json_log, lines

TIMEOUT_SECONDS = 30


class Designer:
    """The real designer; it can defer its first call, or hold until released."""

    slot = "design"
    name = "test-designer"

    def __init__(self, real: DesignSkill) -> None:
        self._real = real
        self.calls = 0
        self.defer_first = False
        self.hold = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        self.calls += 1
        self.entered.set()
        if self.defer_first and self.calls == 1:
            raise RunDeferred("the model API asks to retry later", delay_seconds=0.5)
        if self.hold:
            assert self.release.wait(TIMEOUT_SECONDS)
        return self._real.design(brand, images)


class Structurer:
    slot = "structuring"
    name = "counting-structurer"

    def __init__(self, real: ContentStructurer) -> None:
        self._real = real
        self.calls = 0

    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        self.calls += 1
        return self._real.structure(documents, schema)


class Skills:
    def __init__(self) -> None:
        real = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
        self._real: SkillRegistry = real
        self.structurer_skill = Structurer(real.structurer())
        self.designer_skill = Designer(real.designer())

    def parsers(self) -> list[DocumentParser]:
        return self._real.parsers()

    def mapper(self) -> DomainMapper:
        return self._real.mapper()

    def structurer(self) -> ContentStructurer:
        return self.structurer_skill

    def designer(self) -> DesignSkill:
        return self.designer_skill


def _app(settings: Settings, skills: Skills) -> Any:
    container = build_container(settings)
    container.skills.override(providers.Object(skills))
    return api(settings, container)


def _events(client: Any, headers: dict[str, str], project_id: str, run_id: str) -> list[Any]:
    url = f"/api/projects/{project_id}/runs/{run_id}/events"
    items: list[Any] = client.get(url, headers=headers).json()["items"]
    return items


def _started(events: list[Any]) -> list[str]:
    return [e["phase"] for e in events if e["status"] == "started"]


def test_a_deferred_run_waits_in_the_queue_then_goes_on(tmp_path: Path) -> None:
    skills = Skills()
    skills.designer_skill.defer_first = True
    with _app(make_settings(tmp_path), skills) as client:
        headers = register(client, "d@example.com")
        project_id = ready_project(client, headers)
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=headers).json()["id"]
        run = wait_for_run(client, headers, project_id, run_id)

        assert run["status"] == "succeeded"
        events = _events(client, headers, project_id, run_id)
        waiting = [e for e in events if e["message"].startswith("waiting 0.5 s")]
        assert len(waiting) == 1 and "retry later" in waiting[0]["message"]
        assert skills.designer_skill.calls == 2
        assert skills.structurer_skill.calls == 1
        # The interrupted design phase starts again; the finished ones never do.
        assert _started(events) == [
            *("ingest", "mapping", "structuring", "design", "design", "site", "versioning")
        ]


@pytest.mark.server_errors_expected  # a failed run is logged as an error
def test_a_phase_over_its_timeout_fails_the_run_and_frees_the_worker(tmp_path: Path) -> None:
    skills = Skills()
    skills.designer_skill.hold = True
    settings = make_settings(tmp_path)
    timeouts = tuple((p, 1 if p == "design" else s) for p, s in settings.worker.phase_timeouts)
    settings = attrs.evolve(settings, worker=attrs.evolve(settings.worker, phase_timeouts=timeouts))
    with _app(settings, skills) as client, json_log() as stream:
        headers = register(client, "t@example.com")
        project_id = ready_project(client, headers)
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=headers).json()["id"]
        run = wait_for_run(client, headers, project_id, run_id)
        skills.designer_skill.release.set()
        # The log says where the phase's thread was stuck when it was given up.
        (timed_out,) = [e for e in lines(stream) if e.get("failure_code") == "phase_timeout"]
        assert timed_out["level"] == "error" and timed_out["phase"] == "design"
        assert timed_out["run_id"] == run_id and timed_out["job_id"]
        assert "in design" in timed_out["stack"] and "release.wait" in timed_out["stack"]

        assert run["status"] == "failed"
        assert run["failure"]["phase"] == "design"
        assert run["failure"]["code"] == "phase_timeout"
        assert "KIRBYGEN_PHASE_TIMEOUT_DESIGN_SECONDS" in run["failure"]["message"]
        # The worker is free again: a new run of the project is taken at once.
        skills.designer_skill.hold = False
        again = client.post(f"/api/projects/{project_id}/runs/{run_id}/retry", headers=headers)
        assert again.status_code == 202
        assert wait_for_run(client, headers, project_id, run_id)["status"] == "succeeded"


def test_a_run_left_by_a_stopped_server_resumes_at_the_next_start(tmp_path: Path) -> None:
    skills = Skills()
    designer = skills.designer_skill
    designer.hold = True
    settings = make_settings(tmp_path)
    with _app(settings, skills) as client:
        headers = register(client, "s@example.com")
        project_id = ready_project(client, headers)
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=headers).json()["id"]
        assert designer.entered.wait(TIMEOUT_SECONDS)
        # The server stops while the design phase works; it finishes that phase, stops at
        # the boundary and leaves the run active for the next start.
        threading.Timer(0.5, designer.release.set).start()
    designer.hold = False

    with _app(settings, skills) as client:
        headers = register_again(client, "s@example.com")
        run = wait_for_run(client, headers, project_id, run_id)
        assert run["status"] == "succeeded"
        events = _events(client, headers, project_id, run_id)
        assert _started(events) == [
            *("ingest", "mapping", "structuring", "design", "site", "versioning")
        ]
        assert designer.calls == 1 and skills.structurer_skill.calls == 1
        site = client.get(f"/api/projects/{project_id}/site.zip", headers=headers)
        assert site.status_code == 200


def register_again(client: Any, email: str) -> dict[str, str]:
    from tests.http_support import PASSWORD

    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
