"""Contract of the ``DeploymentRepository`` port: the fake, the JSON file beside a site,
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from sqlalchemy import Engine

from adapters.deploy.records import JsonDeploymentRepository
from adapters.sql.deployments import SqlDeploymentRepository
from adapters.sql.repository import SqlProjectRepository
from domain.errors import InvalidInput, NotFound
from domain.ports import DeploymentRepository
from domain.project import (
    Deployment,
    EventStatus,
    Phase,
    ProgressEvent,
    Project,
    ProjectStatus,
)
from tests.fakes import FakeDeploymentRepository

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=["fake", "json", "sqlite", "postgresql"])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DeploymentRepository]:
    if request.param == "fake":
        yield FakeDeploymentRepository()
    elif request.param == "json":
        yield JsonDeploymentRepository(tmp_path / ".kirbygen" / "deployments.json")
    else:
        engine: Engine = request.getfixturevalue(f"{request.param}_engine")
        for project in ("p1", "p2"):
            SqlProjectRepository(engine).add_project(
                Project(project, "P", "u1", ProjectStatus.GENERATED, T0, T0)
            )
        yield SqlDeploymentRepository(engine)


def _deployment(deployment_id: str, project: str = "p1", minutes: int = 0) -> Deployment:
    return Deployment(
        id=deployment_id,
        project_id=project,
        target="render",
        url="",
        status="queued",
        created=T0 + timedelta(minutes=minutes),
        commit="a" * 40,
    )


def test_deployments_round_trip_and_list_newest_first(records: DeploymentRepository) -> None:
    first, second = _deployment("d1"), _deployment("d2", minutes=5)
    records.add_deployment(first)
    records.add_deployment(second)
    records.add_deployment(_deployment("d3", project="p2"))
    assert records.get_deployment("d1") == first
    assert records.get_deployment("nope") is None
    assert [d.id for d in records.list_deployments("p1")] == ["d2", "d1"]
    with pytest.raises(InvalidInput):
        records.add_deployment(first)

    live = attrs.evolve(
        first,
        status="live",
        url="https://mara.onrender.com",
        finished=T0 + timedelta(minutes=3),
        provider_ref="srv-1/dep-1",
        error=None,
        rollback_of="d0",
    )
    records.update_deployment(live)
    assert records.get_deployment("d1") == live
    with pytest.raises(NotFound):
        records.update_deployment(_deployment("missing"))


def test_events_get_their_own_sequence(records: DeploymentRepository) -> None:
    records.add_deployment(_deployment("d1"))
    records.add_deployment(_deployment("d2"))

    def event(deployment_id: str, message: str) -> ProgressEvent:
        return ProgressEvent(deployment_id, Phase.DEPLOYMENT, EventStatus.PROGRESS, 50,
                             message, T0)  # fmt: skip

    assert records.append_deployment_event(event("d1", "a")).seq == 1
    assert records.append_deployment_event(event("d2", "x")).seq == 1
    assert records.append_deployment_event(event("d1", "b")).seq == 2
    assert [e.message for e in records.list_deployment_events("d1")] == ["a", "b"]
    assert [e.message for e in records.list_deployment_events("d1", after_seq=1)] == ["b"]
    with pytest.raises(NotFound):
        records.append_deployment_event(event("nope", "c"))
