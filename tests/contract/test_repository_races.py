"""Rules the database enforces under real concurrency (threads, each with its own connection),
on SQLite and PostgreSQL: one active run per project, unique upload names, memberships, token
versions. The fake follows the same rules (checked without threads)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import pytest
from sqlalchemy import Engine

from adapters.sql.repository import SqlProjectRepository
from domain.errors import NotFound
from domain.ports import ProjectRepository
from domain.project import Membership, Role, RunStatus, User
from domain.refusals import Conflict
from tests.contract.test_project_repository import project, run, upload
from tests.fakes import FakeProjectRepository

THREADS = 8


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest) -> ProjectRepository:
    if request.param == "fake":
        return FakeProjectRepository()
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return SqlProjectRepository(engine)


@pytest.fixture
def sql_repo(sql_engine: Engine) -> SqlProjectRepository:
    return SqlProjectRepository(sql_engine)


def race(action: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run ``action(i)`` for i in range(n) on n threads at once; results or the exceptions."""

    def attempt(i: int) -> Any:
        try:
            return action(i)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


def test_a_second_active_run_is_refused(repo: ProjectRepository) -> None:
    repo.add_project(project("p1"))
    repo.add_run(run("r1"))
    with pytest.raises(Conflict) as refused:
        repo.add_run(run("r2", minutes=1))
    assert refused.value.code == "run_active"
    repo.update_run(attrs.evolve(run("r1"), status=RunStatus.FAILED))
    repo.add_run(run("r2", minutes=1))  # the first is finished: a new one may start
    with pytest.raises(Conflict):  # and the old one cannot be made active beside it
        repo.update_run(attrs.evolve(run("r1"), status=RunStatus.QUEUED))
    repo.add_project(project("p2"))
    repo.add_run(run("r3", "p2"))  # other projects are not affected


def test_concurrent_starts_make_one_active_run(sql_repo: SqlProjectRepository) -> None:
    sql_repo.add_project(project("p1"))
    results = race(lambda i: sql_repo.add_run(run(f"r{i}", minutes=i)))
    assert sum(r is None for r in results) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r is not None), results
    assert len(sql_repo.list_runs("p1")) == 1


def test_concurrent_uploads_of_one_name_get_distinct_names(
    sql_repo: SqlProjectRepository,
) -> None:
    sql_repo.add_project(project("p1"))
    results = race(lambda i: sql_repo.add_upload(upload(f"up{i}")), n=12)
    names = [u.original_name for u in results]
    assert len(set(names)) == 12, names
    stored = sorted(u.original_name for u in sql_repo.list_uploads("p1"))
    assert stored == sorted(names)
    assert "CV (final).pdf" in names and "CV (final)-12.pdf" in names


def test_a_run_or_upload_for_a_deleted_project_is_refused(repo: ProjectRepository) -> None:
    repo.add_project(project("p1"))
    repo.delete_project("p1")
    with pytest.raises(NotFound):
        repo.add_run(run("r1"))
    with pytest.raises(NotFound):
        repo.add_upload(upload("up1"))
    with pytest.raises(NotFound):
        repo.set_membership(Membership("p1", "u1", Role.EDITOR))


def test_starts_racing_a_delete_leave_nothing_behind(sql_repo: SqlProjectRepository) -> None:
    sql_repo.add_project(project("p1"))

    def act(i: int) -> Any:
        if i == 0:
            return sql_repo.delete_project("p1")
        return sql_repo.add_run(run(f"r{i}", minutes=i))

    results = race(act)
    assert all(r is None or isinstance(r, (Conflict, NotFound)) for r in results), results
    assert sql_repo.get_project("p1") is None
    assert sql_repo.list_runs("p1") == []


def test_concurrent_membership_grants_make_one_row(sql_repo: SqlProjectRepository) -> None:
    sql_repo.add_project(project("p1"))
    roles = [Role.EDITOR, Role.VIEWER]
    results = race(lambda i: sql_repo.set_membership(Membership("p1", "u2", roles[i % 2])))
    assert results == [None] * THREADS
    members = sql_repo.list_members("p1")
    assert len(members) == 1 and members[0].role in roles


def test_membership_removal(repo: ProjectRepository) -> None:
    repo.add_project(project("p1"))
    repo.set_membership(Membership("p1", "u2", Role.EDITOR))
    assert repo.remove_membership("p1", "u2") is True
    assert repo.remove_membership("p1", "u2") is False
    assert repo.get_membership("p1", "u2") is None


def test_token_version_and_user_deletion(repo: ProjectRepository) -> None:
    repo.add_user(User(id="u1", email="ada@example.org", password_hash="x"))
    repo.add_project(project("p1"))
    repo.set_membership(Membership("p1", "u1", Role.EDITOR))
    assert repo.token_version("u1") == 0
    repo.revoke_tokens("u1")
    repo.revoke_tokens("u1")
    assert repo.token_version("u1") == 2
    user = repo.get_user("u1")
    assert user is not None and user.token_version == 2
    repo.delete_user("u1")
    assert repo.token_version("u1") is None
    assert repo.get_user("u1") is None
    assert repo.get_membership("p1", "u1") is None
    repo.revoke_tokens("u1")  # nothing to revoke: no error


def test_concurrent_revocations_all_count(sql_repo: SqlProjectRepository) -> None:
    sql_repo.add_user(User(id="u1", email="ada@example.org", password_hash="x"))
    race(lambda _: sql_repo.revoke_tokens("u1"))
    assert sql_repo.token_version("u1") == THREADS
