"""Contract of the ``VersionStore`` port: histories kept in storage (the in-memory fake, local
files and S3 on moto) and shared by processes whose repositories are caches on disks of their
own; and the repository that is its own only copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from adapters.git.cli import GitCli
from adapters.local.storage import LocalStorage
from adapters.s3.storage import S3Options, S3Storage
from application.version_store import LocalRepositories, StoredRepositories
from application.versions import SiteVersions, VersioningConfig
from domain.ports import GitIdentity, Storage, VersionStore
from domain.refusals import Conflict
from tests.fakes import FakeStorage
from tests.support.git_tool import require_git

ME = GitIdentity("Mara Lindqvist", "mara@example.com")
PROJECT = "p-1"
KEPT = f"projects/{PROJECT}/versions/"


class CountingStorage:
    """Counts the bundle downloads (``open``) a refresh makes."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.opened: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def open(self, key: str) -> BinaryIO:
        self.opened.append(key)
        return self.inner.open(key)


@pytest.fixture(params=["fake", "local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CountingStorage]:
    require_git()
    if request.param == "fake":
        yield CountingStorage(FakeStorage())
    elif request.param == "local":
        yield CountingStorage(LocalStorage(tmp_path / "store"))
    else:
        options: S3Options = request.getfixturevalue("s3_bucket")
        s3 = S3Storage(options)
        yield CountingStorage(s3)
        s3.close()


def _process(storage: Storage, root: Path) -> SiteVersions:
    """One process (an API or a worker) with its own data folder."""
    store = StoredRepositories(storage, GitCli())
    return SiteVersions(GitCli(), VersioningConfig(root / "sites", ME), store)


def _run(versions: SiteVersions, root: Path, run_id: str, text: str) -> str:
    tree = root / "runs" / run_id
    tree.mkdir(parents=True)
    (tree / "index.php").write_text("<?php\n")
    (tree / "content").mkdir()
    (tree / "content" / "site.txt").write_text(f"Title: {text}\n")
    commit = versions.record(PROJECT, run_id, tree, None)
    assert commit is not None
    return commit


def test_a_version_made_by_one_process_is_seen_by_another(
    storage: CountingStorage, tmp_path: Path
) -> None:
    worker, api = _process(storage, tmp_path / "worker"), _process(storage, tmp_path / "api")
    assert api.history(api.checkout(PROJECT)) == []
    commit = _run(worker, tmp_path / "worker", "r-1", "First")
    history = api.history(api.checkout(PROJECT))
    assert [(c.id, c.run_id) for c in history] == [(commit, "r-1")]
    repo = api.checkout(PROJECT)
    assert api.git.read(repo, commit, "content/site.txt") == b"Title: First\n"


def test_a_second_run_on_a_fresh_disk_commits_on_top_of_the_first(
    storage: CountingStorage, tmp_path: Path
) -> None:
    first = _run(_process(storage, tmp_path / "w1"), tmp_path / "w1", "r-1", "First")
    second_worker = _process(storage, tmp_path / "w2")
    second = _run(second_worker, tmp_path / "w2", "r-2", "Second")
    api = _process(storage, tmp_path / "api")
    history = api.history(api.checkout(PROJECT))
    assert [(c.id, c.run_id) for c in history] == [(second, "r-2"), (first, "r-1")]
    # A re-delivered run finds its commit in the kept history and commits nothing.
    again = _process(storage, tmp_path / "w3")
    assert _run(again, tmp_path / "w3", "r-2", "Second") == second
    # One bundle is kept (the newest), with the pointer naming it.
    assert sorted(storage.list(KEPT)) == [f"{KEPT}{second}.bundle", f"{KEPT}head"]


def test_a_stale_cache_is_refreshed_and_an_unchanged_one_downloads_nothing(
    storage: CountingStorage, tmp_path: Path
) -> None:
    worker, api = _process(storage, tmp_path / "worker"), _process(storage, tmp_path / "api")
    first = _run(worker, tmp_path / "worker", "r-1", "First")
    assert [c.id for c in api.history(api.checkout(PROJECT))] == [first]
    downloads = len(storage.opened)
    for _ in range(3):
        api.checkout(PROJECT)
    assert len(storage.opened) == downloads  # only the pointer was read
    second = _run(worker, tmp_path / "worker", "r-2", "Second")
    assert [c.id for c in api.history(api.checkout(PROJECT))] == [second, first]
    assert storage.opened[-1] == f"{KEPT}{second}.bundle"


def test_a_writer_that_missed_a_newer_history_is_refused(
    storage: CountingStorage, tmp_path: Path
) -> None:
    one, two = _process(storage, tmp_path / "one"), _process(storage, tmp_path / "two")
    first = _run(one, tmp_path / "one", "r-1", "First")
    two.checkout(PROJECT)
    second = _run(one, tmp_path / "one", "r-2", "Second")
    # ``two`` commits on its stale copy without refreshing, then tries to keep it.
    tree = tmp_path / "two" / "tree"
    tree.mkdir()
    (tree / "other.txt").write_text("x\n")
    repo = two.repo(PROJECT)
    assert two.git.commit(repo, tree, "Run r-x\n\nRun-Id: r-x\n", ME) is not None
    with pytest.raises(Conflict) as refused:
        StoredRepositories(storage, GitCli()).save(PROJECT, repo)
    assert refused.value.code == "versions_changed"
    reader = _process(storage, tmp_path / "reader")
    assert [c.id for c in reader.history(reader.checkout(PROJECT))] == [second, first]


def test_removing_deletes_the_kept_history_and_other_copies_forget_it(
    storage: CountingStorage, tmp_path: Path
) -> None:
    worker, api = _process(storage, tmp_path / "worker"), _process(storage, tmp_path / "api")
    _run(worker, tmp_path / "worker", "r-1", "First")
    assert api.history(api.checkout(PROJECT))
    api.remove(PROJECT)
    assert storage.list(KEPT) == []
    assert not api.repo(PROJECT).exists()
    assert worker.history(worker.checkout(PROJECT)) == []
    assert not worker.repo(PROJECT).exists()


def test_a_history_made_before_it_was_kept_is_kept_at_its_next_save(
    storage: CountingStorage, tmp_path: Path
) -> None:
    old = SiteVersions(
        GitCli(), VersioningConfig(tmp_path / "sites", ME), LocalRepositories(GitCli())
    )
    first = _run(old, tmp_path, "r-1", "First")
    now = _process(storage, tmp_path)  # the same data folder, now keeping histories
    assert [c.id for c in now.history(now.checkout(PROJECT))] == [first]
    assert storage.list(KEPT) == []
    second = _run(now, tmp_path, "r-2", "Second")
    api = _process(storage, tmp_path / "api")
    assert [c.id for c in api.history(api.checkout(PROJECT))] == [second, first]


@pytest.fixture(params=["local", "stored"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> VersionStore:
    require_git()
    if request.param == "local":
        return LocalRepositories(GitCli())
    return StoredRepositories(LocalStorage(tmp_path / "store"), GitCli())


def test_every_store_keeps_a_saved_history_and_removes_it(
    store: VersionStore, tmp_path: Path
) -> None:
    versions = SiteVersions(GitCli(), VersioningConfig(tmp_path / "sites", ME), store)
    first = _run(versions, tmp_path, "r-1", "First")
    store.refresh(PROJECT, versions.repo(PROJECT))
    assert [c.id for c in versions.history(versions.checkout(PROJECT))] == [first]
    versions.remove(PROJECT)
    assert versions.history(versions.checkout(PROJECT)) == []
    assert not versions.repo(PROJECT).exists()


def test_a_reader_whose_bundle_was_replaced_meanwhile_reads_the_pointer_again(
    storage: CountingStorage, tmp_path: Path
) -> None:
    worker = _process(storage, tmp_path / "worker")
    _run(worker, tmp_path / "worker", "r-1", "First")
    newer: list[str] = []

    class Racing(CountingStorage):
        def open(self, key: str) -> BinaryIO:
            if not newer:  # a writer keeps a newer history between the pointer and the bundle
                newer.append(_run(worker, tmp_path / "worker", "r-2", "Second"))
            return super().open(key)

    api = _process(Racing(storage), tmp_path / "api")
    history = api.history(api.checkout(PROJECT))
    assert [c.run_id for c in history] == ["r-2", "r-1"]
    assert history[0].id == newer[0]
