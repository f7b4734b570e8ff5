"""A version history kept in memory: a commit happens when the folder's files changed."""

from __future__ import annotations

import base64
import difflib
import fnmatch
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import attrs

from adapters.git.cli import EXCLUDED
from domain.errors import KirbyGenError
from domain.ports import GitIdentity, GitRemote
from domain.versions import ChangeKind, CommitInfo, FileChange, VersionDiff, run_id_of

Snapshot = Mapping[str, bytes]
T0 = datetime(2025, 1, 1, tzinfo=UTC)


@attrs.frozen
class FakeCommit:
    id: str
    message: str
    author: GitIdentity
    files: dict[str, bytes]


def _excluded(path: str) -> bool:
    """Whether git's exclude rules (``EXCLUDED``, as in ``info/exclude``) leave ``path`` out."""
    rooted = "/" + path
    return any(fnmatch.fnmatch(rooted, rule + "*" if rule.endswith("/") else rule)
               for rule in EXCLUDED)  # fmt: skip


def read_folder(root: Path) -> dict[str, bytes]:
    """Every versioned file below ``root`` by '/'-separated path (empty when it is missing)."""
    if not root.is_dir():
        return {}
    return {
        rel: path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not _excluded(rel := path.relative_to(root).as_posix())
    }


def _changes(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[FileChange]:
    kinds = [
        *(FileChange(p, ChangeKind.ADDED) for p in new.keys() - old.keys()),
        *(FileChange(p, ChangeKind.REMOVED) for p in old.keys() - new.keys()),
        *(FileChange(p, ChangeKind.CHANGED) for p in old.keys() & new.keys() if old[p] != new[p]),
    ]
    return sorted(kinds, key=lambda c: c.path)


class FakeGit:
    """``Git`` whose repositories are lists of commits in ``repos``; pushes land in
    ``remotes[url][branch]``. Set ``fail_push`` to make pushes raise it.

    By default it reads the real folder; pass ``snapshot`` (e.g. ``FakeSiteOutput.files``) to
    commit what an in-memory site output holds instead.
    """

    def __init__(self, snapshot: Callable[[Path], Snapshot] = read_folder) -> None:
        self._snapshot = snapshot
        self.repos: dict[Path, list[FakeCommit]] = {}
        self.remotes: dict[str, dict[str, str]] = {}
        self.fail_push: Exception | None = None

    def head(self, repo: Path) -> FakeCommit | None:
        commits = self.repos.get(repo)
        return commits[-1] if commits else None

    def pending(self, repo: Path, tree: Path) -> list[FileChange]:
        head = self.head(repo)
        return _changes(head.files if head else {}, dict(self._snapshot(tree)))

    def commit(self, repo: Path, tree: Path, message: str, author: GitIdentity) -> str | None:
        if not self.pending(repo, tree):
            return None
        commits = self.repos.setdefault(repo, [])
        digest = hashlib.sha1(f"{len(commits)}:{repo}:{message}".encode()).hexdigest()
        commits.append(FakeCommit(digest, message, author, dict(self._snapshot(tree))))
        return digest

    def history(self, repo: Path) -> list[CommitInfo]:
        return [
            CommitInfo(
                id=c.id,
                message=c.message,
                author=f"{c.author.name} <{c.author.email}>",
                created=T0,
                run_id=run_id_of(c.message),
            )
            for c in reversed(self.repos.get(repo, []))
        ]

    def _files(self, repo: Path, commit: str) -> dict[str, bytes]:
        for c in self.repos.get(repo, []):
            if c.id == commit:
                return c.files
        raise KirbyGenError(f"no commit {commit!r}", code="git_failed")

    def read(self, repo: Path, commit: str, path: str) -> bytes | None:
        if commit == "HEAD":
            head = self.head(repo)
            return None if head is None else head.files.get(path)
        return self._files(repo, commit).get(path)

    def diff(self, repo: Path, old: str | None, new: str, max_bytes: int) -> VersionDiff:
        before = self._files(repo, old) if old else {}
        after = self._files(repo, new)
        files = _changes(before, after)
        patch = "".join(
            "".join(
                difflib.unified_diff(
                    before.get(f.path, b"").decode(errors="replace").splitlines(True),
                    after.get(f.path, b"").decode(errors="replace").splitlines(True),
                    f"a/{f.path}",
                    f"b/{f.path}",
                )
            )
            for f in files
        )
        data = patch.encode()
        truncated = len(data) > max_bytes
        return VersionDiff(old, new, tuple(files), data[:max_bytes].decode(errors="replace"),
                           truncated)  # fmt: skip

    def export(self, repo: Path, commit: str, dest: Path) -> None:
        for path, data in self._files(repo, commit).items():
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def bundle(self, repo: Path, dest: Path) -> bool:
        commits = self.repos.get(repo)
        if not commits:
            return False
        data = [
            {
                "id": c.id,
                "message": c.message,
                "author": [c.author.name, c.author.email],
                "files": {p: base64.b64encode(b).decode() for p, b in c.files.items()},
            }
            for c in commits
        ]
        dest.write_text(json.dumps({"fake-git-bundle": data}))
        return True

    def restore(self, bundle: Path, repo: Path) -> None:
        try:
            data = json.loads(bundle.read_bytes())["fake-git-bundle"]
            commits = [
                FakeCommit(
                    c["id"],
                    c["message"],
                    GitIdentity(*c["author"]),
                    {p: base64.b64decode(b) for p, b in c["files"].items()},
                )
                for c in data
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise KirbyGenError(f"not a bundle: {exc}", code="git_failed") from None
        self.repos[repo] = commits

    def remove(self, repo: Path) -> None:
        self.repos.pop(repo, None)

    def push(self, repo: Path, commit: str, remote: GitRemote) -> None:
        if self.fail_push is not None:
            raise self.fail_push
        self._files(repo, commit)
        self.remotes.setdefault(remote.url, {})[remote.branch] = commit
