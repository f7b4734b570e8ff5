"""ProjectRecords.problems: rows from an archive must all be one project's, and consistent."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from domain.project import (
    Deployment,
    EventStatus,
    Membership,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
    Role,
    Run,
    RunFailure,
    RunStatus,
    RunStep,
    Upload,
    UploadKind,
    User,
)
from domain.project_records import ProjectRecords
from domain.serialization import from_json, to_json

T0 = datetime(2025, 1, 1, tzinfo=UTC)
PREFIX = "projects/p1/"


def _event(owner: str, seq: int = 1) -> ProgressEvent:
    return ProgressEvent(owner, Phase.INGEST, EventStatus.STARTED, 0, "go", T0, seq)


def _upload(
    upload_id: str = "u1", name: str = "a.md", key: str = "projects/p1/uploads/u1"
) -> Upload:
    return Upload(upload_id, "p1", UploadKind.CONTENT, name, key, "text/plain", 1, "0" * 64, T0)


GOOD = ProjectRecords(
    project=Project("p1", "Mara", "a", ProjectStatus.DRAFT, T0, T0),
    members=(Membership("p1", "a", Role.OWNER),),
    users=(User("a", "a@example.com", "h"),),
    uploads=(_upload(),),
    runs=(Run("r1", "p1", RunStatus.SUCCEEDED, T0),),
    events=(_event("r1"),),
    deployments=(Deployment("d1", "p1", "local", "", "stopped", T0),),
    deployment_events=(_event("d1"),),
)


def test_consistent_rows_have_no_problems() -> None:
    assert GOOD.problems(PREFIX) == []
    assert GOOD.active_runs() == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"runs": (Run("r1", "p2", RunStatus.SUCCEEDED, T0),)}, "a run belongs to another project"),
        ({"uploads": (_upload(), _upload(name="b.md"))}, "upload 'u1' appears twice"),
        ({"uploads": (_upload(), _upload("u2"))}, "upload name 'a.md' appears twice"),
        ({"users": ()}, "the users are not exactly the members' accounts"),
        ({"uploads": (_upload(key="projects/p2/x"),)}, "an upload is stored outside the project"),
        ({"events": (_event("r9"),)}, "an event belongs to no run of the project"),
        ({"deployment_events": (_event("r1"),)}, "a deployment event belongs to no deployment"),
        ({"events": (_event("r1"), _event("r1"))}, "run event ('r1', 1) appears twice"),
        ({"events": (_event("r1", 0),)}, "an event has no sequence number"),
    ],
)
def test_each_inconsistency_is_named(changes: dict[str, object], problem: str) -> None:
    problems = attrs.evolve(GOOD, **changes).problems(PREFIX)
    assert any(p.startswith(problem) for p in problems), problems


def test_active_runs_are_found() -> None:
    running = Run("r2", "p1", RunStatus.RUNNING, T0)
    assert attrs.evolve(GOOD, runs=(*GOOD.runs, running)).active_runs() == [running]


@pytest.mark.parametrize("where", [Phase.MAPPING, RunStep.SETUP, RunStep.FINISH])
def test_records_go_through_json_unchanged(where: Phase | RunStep) -> None:
    failed = Run("r2", "p1", RunStatus.FAILED, T0, failure=RunFailure(where, "boom", "it broke"))
    records = attrs.evolve(GOOD, runs=(*GOOD.runs, failed))
    assert from_json(to_json(records), ProjectRecords) == records
