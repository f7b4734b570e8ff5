"""Contract of the ``ProjectRepository`` port: the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from sqlalchemy import Engine

from adapters.sql.repository import SqlProjectRepository
from domain.errors import InvalidInput, NotFound
from domain.ports import CallerAccess, ProjectRepository
from domain.project import (
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
    TokenUsage,
    Upload,
    UploadKind,
    User,
)
from tests.fakes import FakeProjectRepository

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest) -> Iterator[ProjectRepository]:
    if request.param == "fake":
        yield FakeProjectRepository()
        return
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    yield SqlProjectRepository(engine)


def project(
    project_id: str = "p1", *, owner: str = "u1", minutes: int = 0, **changes: Any
) -> Project:
    base = Project(
        id=project_id,
        name=f"Project {project_id}",
        owner_id=owner,
        status=ProjectStatus.DRAFT,
        created=T0 + timedelta(minutes=minutes),
        updated=T0 + timedelta(minutes=minutes),
    )
    return attrs.evolve(base, **changes)


def owned_project(repo: ProjectRepository, project_id: str = "p1", **kw: Any) -> Project:
    p = project(project_id, **kw)
    repo.add_project(p)
    repo.set_membership(Membership(project_id=p.id, user_id=p.owner_id, role=Role.OWNER))
    return p


def run(
    run_id: str = "r1",
    project_id: str = "p1",
    *,
    minutes: int = 0,
    status: RunStatus = RunStatus.QUEUED,
) -> Run:
    return Run(
        id=run_id,
        project_id=project_id,
        status=status,
        created=T0 + timedelta(minutes=minutes),
    )


def event(run_id: str = "r1", message: str = "working", *, seq: int = 0) -> ProgressEvent:
    return ProgressEvent(
        run_id=run_id,
        phase=Phase.INGEST,
        status=EventStatus.PROGRESS,
        percent=40,
        message=message,
        ts=T0,
        seq=seq,
    )


def upload(upload_id: str = "up1", project_id: str = "p1", *, minutes: int = 0) -> Upload:
    return Upload(
        id=upload_id,
        project_id=project_id,
        kind=UploadKind.CONTENT,
        original_name="CV (final).pdf",
        stored_key=f"projects/{project_id}/uploads/{upload_id}",
        media_type="application/pdf",
        size=5 * 1024**3,  # beyond 32-bit
        sha256="ab" * 32,
        created=T0 + timedelta(minutes=minutes),
    )


# --- projects ---------------------------------------------------------------------------------


def test_project_round_trip(repo: ProjectRepository) -> None:
    p = project(brand_colors=("#112233", "#ffffff"), font="Inter")
    repo.add_project(p)
    assert repo.get_project("p1") == p
    assert repo.get_project("missing") is None


def test_datetimes_come_back_in_utc_whatever_zone_they_were_given_in(
    repo: ProjectRepository,
) -> None:
    plus_two = timezone(timedelta(hours=2))
    p = project(created=T0.astimezone(plus_two), updated=T0.astimezone(plus_two))
    repo.add_project(p)
    stored = repo.get_project("p1")
    assert stored is not None
    assert stored.created == T0


def test_naive_datetimes_are_refused(repo: ProjectRepository) -> None:
    with pytest.raises(ValueError):
        repo.add_project(project(created=datetime(2025, 1, 1), updated=datetime(2025, 1, 1)))


def test_adding_a_project_twice_is_refused(repo: ProjectRepository) -> None:
    repo.add_project(project())
    with pytest.raises(InvalidInput):
        repo.add_project(project(name="Other"))


def test_update_project_replaces_every_field(repo: ProjectRepository) -> None:
    repo.add_project(project(brand_colors=("#000000",)))
    changed = project(
        name="Renamed",
        status=ProjectStatus.GENERATED,
        updated=T0 + timedelta(hours=1),
        brand_colors=("#111111", "#222222"),
        font="Lora",
    )
    repo.update_project(changed)
    assert repo.get_project("p1") == changed
    # A JSON column changed again must be stored again (in-place mutation is not tracked).
    again = attrs.evolve(changed, brand_colors=("#111111", "#222222", "#333333"), font=None)
    repo.update_project(again)
    assert repo.get_project("p1") == again


def test_updating_a_missing_project_raises_not_found(repo: ProjectRepository) -> None:
    with pytest.raises(NotFound):
        repo.update_project(project())


def test_delete_project_removes_its_runs_events_uploads_and_members(
    repo: ProjectRepository,
) -> None:
    owned_project(repo, "p1")
    owned_project(repo, "p2")
    repo.add_run(run("r1", "p1"))
    repo.add_run(run("r2", "p2"))
    repo.append_event(event("r1"))
    repo.add_upload(upload("up1", "p1"))
    repo.delete_project("p1")
    assert repo.get_project("p1") is None
    assert repo.get_run("r1") is None
    assert repo.list_events("r1") == []
    assert repo.get_upload("up1") is None
    assert repo.list_members("p1") == []
    assert repo.get_run("r2") is not None
    repo.delete_project("p1")  # already gone: fine


def test_list_projects_shows_the_users_projects_newest_first(repo: ProjectRepository) -> None:
    owned_project(repo, "old", minutes=0)
    owned_project(repo, "new", minutes=10)
    owned_project(repo, "mid", minutes=5)
    owned_project(repo, "someone-elses", owner="u2", minutes=7)
    page = repo.list_projects("u1", status=None, offset=0, limit=10)
    assert [p.id for p in page.items] == ["new", "mid", "old"]
    assert page.total == 3


def test_list_projects_includes_projects_shared_with_the_user(repo: ProjectRepository) -> None:
    owned_project(repo, "theirs", owner="u2")
    repo.set_membership(Membership(project_id="theirs", user_id="u1", role=Role.VIEWER))
    page = repo.list_projects("u1", status=None, offset=0, limit=10)
    assert [p.id for p in page.items] == ["theirs"]


def test_list_projects_filters_by_status(repo: ProjectRepository) -> None:
    owned_project(repo, "a", minutes=1)
    owned_project(repo, "b", minutes=2, status=ProjectStatus.GENERATED)
    owned_project(repo, "c", minutes=3, status=ProjectStatus.GENERATED)
    page = repo.list_projects("u1", status=ProjectStatus.GENERATED, offset=0, limit=10)
    assert [p.id for p in page.items] == ["c", "b"]
    assert page.total == 2


def test_list_projects_paginates_with_a_total(repo: ProjectRepository) -> None:
    for n in range(5):
        owned_project(repo, f"p{n}", minutes=n)
    first = repo.list_projects("u1", status=None, offset=0, limit=2)
    second = repo.list_projects("u1", status=None, offset=2, limit=2)
    last = repo.list_projects("u1", status=None, offset=4, limit=2)
    beyond = repo.list_projects("u1", status=None, offset=9, limit=2)
    assert [p.id for p in first.items] == ["p4", "p3"]
    assert [p.id for p in second.items] == ["p2", "p1"]
    assert [p.id for p in last.items] == ["p0"]
    assert beyond.items == ()
    assert first.total == second.total == last.total == beyond.total == 5


def test_projects_created_at_the_same_instant_have_a_stable_order(
    repo: ProjectRepository,
) -> None:
    for project_id in ["b", "c", "a"]:
        owned_project(repo, project_id)
    page = repo.list_projects("u1", status=None, offset=0, limit=10)
    assert [p.id for p in page.items] == ["c", "b", "a"]


def test_list_projects_refuses_negative_paging(repo: ProjectRepository) -> None:
    with pytest.raises(ValueError):
        repo.list_projects("u1", status=None, offset=-1, limit=10)


# --- runs -------------------------------------------------------------------------------------


def test_run_round_trip_with_structured_parts(repo: ProjectRepository) -> None:
    repo.add_project(project())
    r = Run(
        id="r1",
        project_id="p1",
        status=RunStatus.FAILED,
        created=T0,
        started=T0 + timedelta(seconds=1),
        finished=T0 + timedelta(seconds=30),
        completed_phases=(Phase.INGEST, Phase.MAPPING),
        failure=RunFailure(phase=Phase.STRUCTURING, code="skill_failed", message="No pages."),
        usage=TokenUsage(input_tokens=1200, output_tokens=340),
        commit_id="abc123",
        deployment_id="d1",
    )
    repo.add_run(r)
    assert repo.get_run("r1") == r
    assert repo.get_run("missing") is None


def test_update_run_stores_new_structured_values(repo: ProjectRepository) -> None:
    repo.add_project(project())
    r = run()
    repo.add_run(r)
    progressed = attrs.evolve(
        r, status=RunStatus.RUNNING, started=T0, completed_phases=(Phase.INGEST,)
    )
    repo.update_run(progressed)
    assert repo.get_run("r1") == progressed
    failed = attrs.evolve(
        progressed,
        status=RunStatus.FAILED,
        completed_phases=(Phase.INGEST, Phase.MAPPING),
        failure=RunFailure(phase=Phase.DESIGN, code="x", message="y"),
        usage=TokenUsage(input_tokens=5, output_tokens=6),
    )
    repo.update_run(failed)
    assert repo.get_run("r1") == failed
    retried = attrs.evolve(failed, status=RunStatus.QUEUED, failure=None)
    repo.update_run(retried)
    assert repo.get_run("r1") == retried


def test_update_missing_run_raises_not_found(repo: ProjectRepository) -> None:
    with pytest.raises(NotFound):
        repo.update_run(run())


def test_a_run_needs_its_project(repo: ProjectRepository) -> None:
    with pytest.raises(NotFound):
        repo.add_run(run(project_id="missing"))


def test_adding_a_run_twice_is_refused(repo: ProjectRepository) -> None:
    repo.add_project(project())
    repo.add_run(run())
    with pytest.raises(InvalidInput):
        repo.add_run(run())


def test_list_runs_oldest_first_for_one_project(repo: ProjectRepository) -> None:
    repo.add_project(project("p1"))
    repo.add_project(project("p2"))
    repo.add_run(run("late", minutes=5))
    repo.add_run(run("early", minutes=1, status=RunStatus.SUCCEEDED))
    repo.add_run(run("other", "p2"))
    assert [r.id for r in repo.list_runs("p1")] == ["early", "late"]
    assert repo.list_runs("nothing") == []


# --- progress events --------------------------------------------------------------------------


def test_append_event_numbers_events_per_run(repo: ProjectRepository) -> None:
    repo.add_project(project())
    repo.add_run(run("r1"))
    repo.add_run(run("r2", status=RunStatus.SUCCEEDED))
    first = repo.append_event(event("r1", "a", seq=99))  # a given seq is ignored
    second = repo.append_event(event("r1", "b"))
    other = repo.append_event(event("r2", "c"))
    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first == attrs.evolve(event("r1", "a"), seq=1)
    assert repo.list_events("r1") == [first, second]
    assert repo.list_events("r1", after_seq=1) == [second]
    assert repo.list_events("r1", after_seq=2) == []
    assert repo.list_events("r2") == [other]


def test_an_event_needs_its_run(repo: ProjectRepository) -> None:
    with pytest.raises(NotFound):
        repo.append_event(event("missing"))


# --- uploads ----------------------------------------------------------------------------------


def test_upload_round_trip_and_listing(repo: ProjectRepository) -> None:
    repo.add_project(project("p1"))
    repo.add_project(project("p2"))
    second = repo.add_upload(upload("up2", minutes=2))
    first = repo.add_upload(upload("up1", minutes=1))
    other = repo.add_upload(upload("up3", "p2"))
    # Names are unique per project: the second of a name gets a number.
    assert second == upload("up2", minutes=2)
    assert first.original_name == "CV (final)-2.pdf"
    assert other.original_name == "CV (final).pdf"
    assert repo.get_upload("up1") == first
    assert repo.list_uploads("p1") == [first, second]
    repo.delete_upload("up1")
    repo.delete_upload("up1")
    assert repo.get_upload("up1") is None
    assert repo.list_uploads("p1") == [second]


def test_an_upload_needs_its_project(repo: ProjectRepository) -> None:
    with pytest.raises(NotFound):
        repo.add_upload(upload(project_id="missing"))


# --- users and memberships --------------------------------------------------------------------


def test_user_round_trip_and_lookup_by_email_ignoring_case(repo: ProjectRepository) -> None:
    user = User(id="u1", email="Ada@Example.org", password_hash="$argon2id$x", role="admin")
    repo.add_user(user)
    assert repo.get_user("u1") == user
    assert repo.get_user_by_email("ada@example.org") == user
    assert repo.get_user_by_email("ADA@EXAMPLE.ORG") == user
    assert repo.get_user_by_email("bob@example.org") is None
    assert repo.get_user("missing") is None


def test_an_email_is_registered_once(repo: ProjectRepository) -> None:
    repo.add_user(User(id="u1", email="ada@example.org", password_hash="h"))
    with pytest.raises(InvalidInput):
        repo.add_user(User(id="u2", email="ADA@example.org", password_hash="h"))
    with pytest.raises(InvalidInput):
        repo.add_user(User(id="u1", email="other@example.org", password_hash="h"))


def test_memberships_are_set_replaced_and_listed(repo: ProjectRepository) -> None:
    repo.add_project(project())
    repo.set_membership(Membership(project_id="p1", user_id="u2", role=Role.VIEWER))
    repo.set_membership(Membership(project_id="p1", user_id="u1", role=Role.OWNER))
    repo.set_membership(Membership(project_id="p1", user_id="u2", role=Role.EDITOR))
    assert repo.get_membership("p1", "u2") == Membership("p1", "u2", Role.EDITOR)
    assert repo.get_membership("p1", "nobody") is None
    assert repo.list_members("p1") == [
        Membership("p1", "u1", Role.OWNER),
        Membership("p1", "u2", Role.EDITOR),
    ]


def test_caller_access_reads_token_version_membership_and_project_at_once(
    repo: ProjectRepository,
) -> None:
    assert repo.caller_access("u1", "p1") is None  # no such user
    repo.add_user(User(id="u1", email="ada@example.org", password_hash="h"))
    repo.add_user(User(id="u2", email="bo@example.org", password_hash="h"))
    p1 = owned_project(repo, "p1", owner="u1", brand_colors=("#112233",), font="Fraunces")
    owned_project(repo, "p2", owner="u2")
    repo.set_membership(Membership("p2", "u1", Role.VIEWER))

    assert repo.caller_access("u1", "p1") == CallerAccess(0, Membership("p1", "u1", Role.OWNER), p1)
    viewer = repo.caller_access("u1", "p2")
    assert viewer is not None and viewer.membership == Membership("p2", "u1", Role.VIEWER)
    assert viewer.project is not None and viewer.project.owner_id == "u2"
    # Not a member, or no such project: the version, and nothing about the project.
    assert repo.caller_access("u2", "p1") == CallerAccess(0, None, None)
    assert repo.caller_access("u1", "missing") == CallerAccess(0, None, None)

    repo.revoke_tokens("u1")
    after = repo.caller_access("u1", "p1")
    assert after is not None and after.token_version == 1
    repo.remove_membership("p1", "u1")
    assert repo.caller_access("u1", "p1") == CallerAccess(1, None, None)
    repo.delete_user("u2")
    assert repo.caller_access("u2", "p2") is None


def test_a_membership_needs_its_project(repo: ProjectRepository) -> None:
    with pytest.raises(NotFound):
        repo.set_membership(Membership(project_id="missing", user_id="u1", role=Role.OWNER))


def test_a_project_is_added_with_its_first_members_at_once(repo: ProjectRepository) -> None:
    owner = Membership("p1", "u1", Role.OWNER)
    repo.add_project(project("p1"), [owner])
    assert repo.list_members("p1") == [owner]
    assert repo.list_projects("u1", status=None, offset=0, limit=10).total == 1
    with pytest.raises(ValueError):
        repo.add_project(project("p2"), [Membership("elsewhere", "u1", Role.OWNER)])
    assert repo.get_project("p2") is None
