"""Cancel stops a run at the next phase boundary; retry resumes without redoing finished phases."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from config.container import build_container
from domain.content import StructuredContent
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import Document
from domain.ports import ContentStructurer, DesignSkill, DocumentParser, DomainMapper, SkillRegistry
from domain.schema import ContentSchema
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.http_support import api, make_settings, ready_project, register, wait_for_run

TIMEOUT_SECONDS = 30


class CountingStructurer:
    slot = "structuring"
    name = "counting-structurer"

    def __init__(self, real: ContentStructurer) -> None:
        self._real = real
        self.calls = 0

    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        self.calls += 1
        return self._real.structure(documents, schema)


class ControlledDesigner:
    """The real designer, except that it can hold a run inside the design phase, or fail."""

    slot = "design"
    name = "controlled-designer"

    def __init__(self, real: DesignSkill, *, hold: bool = False, fail_first: bool = False) -> None:
        self._real = real
        self.hold = hold
        self.fail_first = fail_first
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()

    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        self.calls += 1
        self.entered.set()
        if self.hold:
            assert self.release.wait(TIMEOUT_SECONDS)
        if self.fail_first and self.calls == 1:
            raise RuntimeError("the palette service hiccuped")
        return self._real.design(brand, images)


class ControlledSkills:
    def __init__(self, designer_options: dict[str, bool]) -> None:
        real = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
        self._real: SkillRegistry = real
        self.structurer_skill = CountingStructurer(real.structurer())
        self.designer_skill = ControlledDesigner(real.designer(), **designer_options)

    def parsers(self) -> list[DocumentParser]:
        return self._real.parsers()

    def mapper(self) -> DomainMapper:
        return self._real.mapper()

    def structurer(self) -> ContentStructurer:
        return self.structurer_skill

    def designer(self) -> DesignSkill:
        return self.designer_skill

    def conversation(self) -> None:
        return None


def _events(client: Any, headers: dict[str, str], project_id: str, run_id: str) -> list[Any]:
    url = f"/api/projects/{project_id}/runs/{run_id}/events"
    items: list[Any] = client.get(url, headers=headers).json()["items"]
    return items


def _app_with(tmp_path: Path, skills: ControlledSkills) -> Any:
    settings = make_settings(tmp_path)
    container = build_container(settings)
    container.skills.override(providers.Object(skills))
    return api(settings, container)


def test_cancel_stops_at_the_next_phase_boundary_and_retry_finishes(tmp_path: Path) -> None:
    skills = ControlledSkills({"hold": True})
    designer = skills.designer_skill
    with _app_with(tmp_path, skills) as client:
        headers = register(client, "c@example.com")
        project_id = ready_project(client, headers)
        base = f"/api/projects/{project_id}"
        run_id = client.post(f"{base}/runs", headers=headers).json()["id"]
        assert designer.entered.wait(TIMEOUT_SECONDS)

        cancel = client.post(f"{base}/runs/{run_id}/cancel", headers=headers)
        assert cancel.status_code == 202
        assert cancel.json()["status"] == "running"  # it stops at the next boundary, not now
        designer.release.set()
        run = wait_for_run(client, headers, project_id, run_id)

        assert run["status"] == "cancelled"
        assert run["completed_phases"] == ["ingest", "mapping", "structuring", "design"]
        assert not any(e["phase"] == "site" for e in _events(client, headers, project_id, run_id))
        assert client.get(f"{base}/site.zip", headers=headers).status_code == 404
        assert client.get(base, headers=headers).json()["status"] == "cancelled"
        again = client.post(f"{base}/runs/{run_id}/cancel", headers=headers)
        assert again.status_code == 409

        seen = len(_events(client, headers, project_id, run_id))
        assert client.post(f"{base}/runs/{run_id}/retry", headers=headers).status_code == 202
        run = wait_for_run(client, headers, project_id, run_id)
        assert run["status"] == "succeeded"
        retried = _events(client, headers, project_id, run_id)[seen:]
        started = [e["phase"] for e in retried if e["status"] == "started"]
        # Everything before the site was reused from checkpoints; the site is then versioned.
        assert started == ["site", "versioning"]
        assert designer.calls == 1 and skills.structurer_skill.calls == 1
        assert client.get(f"{base}/site.zip", headers=headers).status_code == 200


@pytest.mark.server_errors_expected  # the designer fails on purpose
def test_retry_resumes_from_the_failed_phase(tmp_path: Path) -> None:
    skills = ControlledSkills({"fail_first": True})
    with _app_with(tmp_path, skills) as client:
        headers = register(client, "r@example.com")
        project_id = ready_project(client, headers)
        base = f"/api/projects/{project_id}"
        run_id = client.post(f"{base}/runs", headers=headers).json()["id"]
        run = wait_for_run(client, headers, project_id, run_id)

        assert run["status"] == "failed"
        assert run["failure"]["phase"] == "design"
        assert run["failure"]["code"] == "internal_error"
        assert "hiccuped" in run["failure"]["message"]
        assert run["completed_phases"] == ["ingest", "mapping", "structuring"]
        assert client.get(base, headers=headers).json()["status"] == "failed"

        seen = len(_events(client, headers, project_id, run_id))
        assert client.post(f"{base}/runs/{run_id}/retry", headers=headers).status_code == 202
        run = wait_for_run(client, headers, project_id, run_id)
        assert run["status"] == "succeeded" and run["failure"] is None
        retried = _events(client, headers, project_id, run_id)[seen:]
        reused = [e["phase"] for e in retried if e["message"].endswith("unchanged; reused")]
        started = [e["phase"] for e in retried if e["status"] == "started"]
        assert reused == ["ingest", "mapping", "structuring"]
        assert started == ["design", "site", "versioning"]  # from the failed phase on
        assert skills.structurer_skill.calls == 1 and skills.designer_skill.calls == 2
