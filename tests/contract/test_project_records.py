"""Contract of the ``ProjectRecordStore`` port (the fake, SQLite, PostgreSQL): a project's rows come
back exactly as written, in one transaction, and an existing project or a taken e-mail
address stops the whole write."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest
from sqlalchemy import Engine

from adapters.sql.project_records import SqlProjectRecords
from adapters.sql.repository import SqlProjectRepository
from domain.errors import InvalidInput
from domain.ports import ProjectRecordStore, ProjectRepository
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
    RunStatus,
    TokenUsage,
    Upload,
    UploadKind,
    User,
)
from domain.project_records import ProjectRecords
from domain.refusals import Conflict
from tests.fakes import FakeDeploymentRepository, FakeProjectRecords, FakeProjectRepository

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest) -> tuple[ProjectRecordStore, ProjectRepository]:
    """The store under test and the ordinary repository over the same rows."""
    if request.param == "fake":
        repository = FakeProjectRepository()
        return FakeProjectRecords(repository, FakeDeploymentRepository()), repository
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return SqlProjectRecords(engine), SqlProjectRepository(engine)


def _records(project_id: str = "p1", email: str = "owner@example.com") -> ProjectRecords:
    return ProjectRecords(
        project=Project(project_id, "Mara", "u1", ProjectStatus.GENERATED, T0, T0, ("#000000",)),
        members=(Membership(project_id, "u1", Role.OWNER),),
        users=(User("u1", email, "$argon2id$hash", token_version=3),),
        uploads=(
            Upload(
                "up1",
                project_id,
                UploadKind.CONTENT,
                "a.md",
                f"projects/{project_id}/u/up1",
                "text/markdown",
                3,
                "ab" * 32,
                T0,
            ),
        ),
        runs=(
            Run(
                "r1",
                project_id,
                RunStatus.SUCCEEDED,
                T0,
                T0,
                T0,
                (Phase.INGEST,),
                usage=TokenUsage(calls=2, cost_usd=0.5),
                commit_id="c" * 40,
            ),
        ),
        events=tuple(
            ProgressEvent("r1", Phase.INGEST, EventStatus.PROGRESS, p, f"at {p}", T0, seq)
            for seq, p in ((1, 0), (2, 50), (3, 100))
        ),
        deployments=(Deployment("d1", project_id, "local", "http://x/", "stopped", T0, "c" * 40),),
        deployment_events=(
            ProgressEvent("d1", Phase.DEPLOYMENT, EventStatus.COMPLETED, 100, "live", T0, 1),
        ),
    )


def test_rows_written_are_read_back_exactly(
    stores: tuple[ProjectRecordStore, ProjectRepository],
) -> None:
    store, repository = stores
    assert store.read("p1") is None
    records = _records()
    store.write(records)
    assert store.read("p1") == records
    # The ordinary repository sees the same project.
    assert repository.list_events("r1", after_seq=1) == list(records.events[1:])
    assert repository.get_user_by_email("OWNER@example.com") == records.users[0]


def test_an_existing_project_is_refused_unless_replaced(
    stores: tuple[ProjectRecordStore, ProjectRepository],
) -> None:
    store, _ = stores
    store.write(_records())
    with pytest.raises(Conflict) as refused:
        store.write(_records())
    assert refused.value.code == "project_exists"
    smaller = attrs.evolve(_records(), runs=(), events=(), uploads=())
    store.write(smaller, replace=True)
    assert store.read("p1") == smaller


def test_an_existing_account_is_kept_and_a_taken_address_stops_everything(
    stores: tuple[ProjectRecordStore, ProjectRepository],
) -> None:
    store, repository = stores
    kept = User("u1", "owner@example.com", "the hash here")
    repository.add_user(kept)
    store.write(_records())
    assert repository.get_user("u1") == kept  # not overwritten by the archived account

    repository.add_user(User("u9", "taken@example.com", "h"))
    taken = attrs.evolve(
        _records("p3"),
        members=(Membership("p3", "u7", Role.OWNER),),
        users=(User("u7", "TAKEN@example.com", "h"),),
    )
    with pytest.raises(InvalidInput) as refused:
        store.write(taken)
    assert refused.value.code == "email_taken"
    assert store.read("p3") is None and repository.get_user("u7") is None
