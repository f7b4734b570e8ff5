"""Contract of the ``Git`` port: the git command line and the in-memory fake."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adapters.git.cli import GitCli
from domain.errors import KirbyGenError
from domain.ports import Git, GitIdentity, GitRemote
from domain.versions import ChangeKind, FileChange
from tests.fakes import FakeGit
from tests.support.git_tool import require_git

ME = GitIdentity("Mara Lindqvist", "mara@example.com")


@pytest.fixture(params=["fake", "cli"])
def git(request: pytest.FixtureRequest) -> Git:
    if request.param == "cli":
        require_git()
        return GitCli()
    return FakeGit()


def _write(tree: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def test_commits_only_changes_and_keeps_history(git: Git, tmp_path: Path) -> None:
    repo, tree = tmp_path / "site.git", tmp_path / "run1"
    assert git.history(repo) == []
    tree.mkdir()
    assert git.commit(repo, tree, "empty", ME) is None
    _write(tree, {"content/home/home.txt": "Title: Home\n", "index.php": "<?php\n"})
    assert git.pending(repo, tree) == [
        FileChange("content/home/home.txt", ChangeKind.ADDED),
        FileChange("index.php", ChangeKind.ADDED),
    ]
    first = git.commit(repo, tree, "Run r1: 1 page added\n\nRun-Id: r1\n", ME)
    assert first is not None
    assert git.commit(repo, tree, "again", ME) is None

    # The next run writes a fresh folder elsewhere: it is compared with the last commit.
    other = tmp_path / "run2"
    _write(other, {"content/home/home.txt": "Title: Welcome\n", "new.txt": "n\n"})
    assert {(c.path, c.kind) for c in git.pending(repo, other)} == {
        ("content/home/home.txt", ChangeKind.CHANGED),
        ("index.php", ChangeKind.REMOVED),
        ("new.txt", ChangeKind.ADDED),
    }
    second = git.commit(repo, other, "Run r2\n\nRun-Id: r2\n", ME)
    assert second not in (None, first)
    history = git.history(repo)
    assert [(c.id, c.run_id) for c in history] == [(second, "r2"), (first, "r1")]
    assert history[1].subject == "Run r1: 1 page added"
    assert history[0].author == "Mara Lindqvist <mara@example.com>"
    assert git.read(repo, first, "index.php") == b"<?php\n"
    assert git.read(repo, second, "index.php") is None

    assert second is not None and first is not None
    diff = git.diff(repo, first, second, 100_000)
    assert {f.path for f in diff.files} == {"content/home/home.txt", "index.php", "new.txt"}
    assert "-Title: Home" in diff.patch and "+Title: Welcome" in diff.patch
    assert not diff.truncated
    cut = git.diff(repo, first, second, 10)
    assert cut.truncated and len(cut.patch.encode()) <= 10
    whole = git.diff(repo, None, first, 100_000)
    assert {f.kind for f in whole.files} == {ChangeKind.ADDED}

    out = tmp_path / "out"
    git.export(repo, first, out)
    assert (out / "index.php").read_text() == "<?php\n"


def test_a_relative_repository_is_found_from_any_work_tree(
    git: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default data folder is the relative `var`; the tree is elsewhere.
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path / "data")
    repo, tree = Path("var/sites/p.git"), tmp_path / "run"
    _write(tree, {"index.php": "<?php\n"})

    first = git.commit(repo, tree, "Run r1\n\nRun-Id: r1\n", ME)

    assert first is not None
    assert [c.id for c in git.history(repo)] == [first]
    assert git.read(repo, first, "index.php") == b"<?php\n"


def test_caches_and_kirby_core_are_never_versioned(git: Git, tmp_path: Path) -> None:
    repo, tree = tmp_path / "site.git", tmp_path / "site"
    _write(
        tree,
        {
            "index.php": "<?php\n",
            "kirby/bootstrap.php": "<?php // core\n",
            "media/pages/thumb.jpg": "x",
            ".kirbygen/cache/checkpoints/site.json": "{}",
            ".kirbygen/report.json": "{}",
        },
    )
    commit = git.commit(repo, tree, "site", ME)
    assert commit is not None
    assert git.read(repo, commit, "kirby/bootstrap.php") is None
    assert git.read(repo, commit, ".kirbygen/cache/checkpoints/site.json") is None
    assert git.read(repo, commit, "media/pages/thumb.jpg") is None
    assert git.read(repo, commit, ".kirbygen/report.json") == b"{}"


def test_push_updates_the_remote_branch(tmp_path: Path) -> None:
    require_git()
    git = GitCli()
    repo, tree, remote = tmp_path / "site.git", tmp_path / "site", tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    _write(tree, {"index.php": "<?php\n"})
    commit = git.commit(repo, tree, "site", ME)
    assert commit is not None
    git.push(repo, commit, GitRemote(str(remote), branch="live"))
    head = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-parse", "live"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert head.stdout.strip() == commit


def test_a_failed_push_names_the_remote_but_never_its_credentials(tmp_path: Path) -> None:
    require_git()
    git = GitCli()
    repo, tree = tmp_path / "site.git", tmp_path / "site"
    _write(tree, {"index.php": "<?php\n"})
    commit = git.commit(repo, tree, "site", ME)
    assert commit is not None
    # Nothing listens on port 9: the push fails fast, through the credential helper path.
    remote = GitRemote("http://mara:pw-in-url@127.0.0.1:9/site.git", username="mara",
                       password="t0ps3cret")  # fmt: skip
    with pytest.raises(KirbyGenError) as failure:
        git.push(repo, commit, remote)
    message = failure.value.message
    assert "127.0.0.1:9/site.git" in message
    assert "t0ps3cret" not in message and "pw-in-url" not in message


def test_a_bundle_restores_the_whole_history_elsewhere(git: Git, tmp_path: Path) -> None:
    repo, tree = tmp_path / "site.git", tmp_path / "tree"
    assert git.bundle(repo, tmp_path / "none.bundle") is False
    assert not (tmp_path / "none.bundle").exists()
    _write(tree, {"content/home/home.txt": "Title: Home\n"})
    first = git.commit(repo, tree, "Run r1\n\nRun-Id: r1\n", ME)
    _write(tree, {"content/home/home.txt": "Title: Welcome\n"})
    second = git.commit(repo, tree, "Run r2\n\nRun-Id: r2\n", ME)
    bundle = tmp_path / "site.bundle"
    assert git.bundle(repo, bundle) is True

    restored = tmp_path / "elsewhere" / "site.git"
    restored.parent.mkdir()
    git.restore(bundle, restored)
    assert git.history(restored) == git.history(repo)
    assert [c.id for c in git.history(restored)] == [second, first]
    assert first is not None and git.read(restored, first, "content/home/home.txt") == (
        b"Title: Home\n"
    )
    # The restored repository takes new commits like the original.
    _write(tree, {"content/home/home.txt": "Title: Again\n"})
    assert git.commit(restored, tree, "Run r3\n\nRun-Id: r3\n", ME) is not None

    # A bad bundle leaves the repository as it was; remove deletes it.
    garbage = tmp_path / "garbage.bundle"
    garbage.write_bytes(b"not a bundle")
    with pytest.raises(KirbyGenError):
        git.restore(garbage, restored)
    assert len(git.history(restored)) == 3
    git.remove(restored)
    assert git.history(restored) == []
    git.remove(restored)  # nothing there: nothing happens
