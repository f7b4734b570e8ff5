"""Concurrent requests on one project, on SQLite and PostgreSQL: one active run (defect 2),
no run for a deleted project (defect 3), distinct upload names (defect 10), no lost turn in
the conversation. Real threads against the app; the database decides, not a read-then-write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest
from starlette.testclient import TestClient

from tests.http_support import (
    api,
    create_project,
    make_settings,
    ready_project,
    register,
    wait_for_run,
)

THREADS = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path / "data")
    if request.param == "postgresql":
        url: str = request.getfixturevalue("fresh_postgres_url")
        settings = attrs.evolve(settings, database_url=url)
    with api(settings) as started:
        yield started


def race(action: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(action, range(n)))


def test_simultaneous_starts_make_one_run(client: TestClient) -> None:
    headers = register(client, "mara@example.com")
    project_id = ready_project(client, headers)
    base = f"/api/projects/{project_id}"
    for _ in range(2):  # two rounds: the second starts after the first run finished
        answers = race(lambda _: client.post(f"{base}/runs", headers=headers))
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [202] + [409] * (THREADS - 1), [a.text for a in answers]
        assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {
            "run_active"
        }
        started = next(a.json() for a in answers if a.status_code == 202)
        wait_for_run(client, headers, project_id, started["id"])
    runs = client.get(f"{base}/runs", headers=headers).json()["items"]
    assert len(runs) == 2


def test_a_delete_racing_starts_leaves_no_run(client: TestClient) -> None:
    headers = register(client, "mara@example.com")
    project_id = ready_project(client, headers)
    base = f"/api/projects/{project_id}"

    def act(i: int) -> Any:
        if i == THREADS // 2:
            return client.delete(base, headers=headers)
        return client.post(f"{base}/runs", headers=headers)

    answers = race(act)
    assert all(a.status_code in (202, 204, 404, 409) for a in answers), [a.text for a in answers]
    assert sum(a.status_code == 204 for a in answers) == 1
    assert client.get(base, headers=headers).status_code == 404
    assert client.get(f"{base}/runs", headers=headers).status_code == 404
    # The project is gone for good: nothing can be started or uploaded for it any more.
    assert client.post(f"{base}/runs", headers=headers).status_code == 404
    # A run that was accepted before the delete ends cleanly (no traceback, see the log test).
    assert client.get("/api/projects", headers=headers).json()["total"] == 0


def test_parallel_uploads_of_one_name_get_distinct_names(client: TestClient) -> None:
    headers = register(client, "mara@example.com")
    project_id = create_project(client, headers)

    def upload(i: int) -> Any:
        files = [("files", ("same.md", f"# Note {i}\n".encode(), "text/markdown"))]
        return client.post(f"/api/projects/{project_id}/uploads", files=files, headers=headers)

    answers = race(upload, n=12)
    assert [a.status_code for a in answers] == [201] * 12, [a.text for a in answers]
    names = [a.json()["items"][0]["name"] for a in answers]
    assert len(set(names)) == 12, names
    assert "same.md" in names and "same-12.md" in names
    listed = client.get(f"/api/projects/{project_id}/uploads", headers=headers).json()["items"]
    assert sorted(u["name"] for u in listed) == sorted(names)


def test_concurrent_messages_lose_no_turn(client: TestClient) -> None:
    headers = register(client, "mara@example.com")
    project_id = ready_project(client, headers)
    base = f"/api/projects/{project_id}/conversation"
    before = client.get(base, headers=headers).json()
    answers = race(
        lambda i: client.post(f"{base}/messages", json={"text": "help"}, headers=headers), n=6
    )
    assert [a.status_code for a in answers] == [200] * 6, [a.text for a in answers]
    after = client.get(base, headers=headers).json()
    assert len(after["turns"]) == len(before["turns"]) + 2 * 6
