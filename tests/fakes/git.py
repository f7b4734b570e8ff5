"""A version history kept in memory: a commit happens when the folder's files changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs

Snapshot = Mapping[str, bytes]


@attrs.frozen
class FakeCommit:
    id: str
    root: Path
    message: str
    files: dict[str, bytes]


def read_folder(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` by '/'-separated relative path (empty when it is missing)."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


class FakeGit:
    """``Git`` that records commits in ``commits``.

    By default it reads the real folder; pass ``snapshot`` (e.g. ``FakeSiteOutput.files``) to
    commit what an in-memory site output holds instead.
    """

    def __init__(self, snapshot: Callable[[Path], Snapshot] = read_folder) -> None:
        self._snapshot = snapshot
        self.commits: list[FakeCommit] = []

    def commit(self, root: Path, message: str) -> str | None:
        files = dict(self._snapshot(root))
        previous = self.head(root)
        if previous is not None and previous.files == files:
            return None
        if previous is None and not files:
            return None
        digest = hashlib.sha1(f"{len(self.commits)}:{root}:{message}".encode()).hexdigest()
        self.commits.append(FakeCommit(id=digest, root=root, message=message, files=files))
        return digest

    def head(self, root: Path) -> FakeCommit | None:
        """The latest commit of ``root``, if any."""
        for commit in reversed(self.commits):
            if commit.root == root:
                return commit
        return None
