"""Keeping each project's site repository where every process finds it.

``StoredRepositories`` keeps it in the ``Storage`` port (local files, or S3 shared by the API
and the worker, which run on machines of their own): the whole history as one git bundle,
``projects/<id>/versions/<head>.bundle``, and a small pointer, ``projects/<id>/versions/head``,
naming the bundle's head commit. The writer stores the new bundle first and then the pointer
(each put is atomic), so a reader sees the old history or the new one, never half of one.
A repository on this machine's disk is a cache: beside it, ``<repo>.stored`` remembers the
pointer it was made from, so a reader fetches the tiny pointer per request and downloads the
bundle only when the pointer moved.

``LocalRepositories`` is for a repository that is its own only copy (the one a site folder
keeps in ``.kirbygen/`` for ``kirbygen deploy SITE``).
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from application import keys
from domain.errors import NotFound
from domain.ports import Git, Storage
from domain.refusals import Conflict

BUNDLE_SUFFIX = ".bundle"
CHUNK_BYTES = 1024 * 1024


class LocalRepositories:
    """The repository on this disk is the only copy: nothing to refresh or to keep."""

    def __init__(self, git: Git) -> None:
        self._git = git

    def refresh(self, project_id: str, repo: Path) -> None:
        return None

    def save(self, project_id: str, repo: Path) -> None:
        return None

    def remove(self, project_id: str, repo: Path) -> None:
        self._git.remove(repo)


class StoredRepositories:
    """The history kept in storage; the repository on disk is a cache of it."""

    def __init__(self, storage: Storage, git: Git) -> None:
        self._storage = storage
        self._git = git

    def refresh(self, project_id: str, repo: Path) -> None:
        with _locked(repo):
            self._refresh(project_id, repo)

    def save(self, project_id: str, repo: Path) -> None:
        with _locked(repo):
            history = self._git.history(repo)
            if not history:
                return
            head = history[0].id
            stored = self._stored_head(project_id)
            if stored == head:
                _write_marker(repo, head)
                return
            known = _read_marker(repo)
            if stored != known:
                raise Conflict(
                    "the site's history was changed elsewhere while this version was being "
                    "made; run it again",
                    code="versions_changed",
                )
            bundle_key = keys.versions_bundle_key(project_id, head)
            with tempfile.TemporaryDirectory(prefix="kirbygen-bundle-") as folder:
                bundle = Path(folder) / "site.bundle"
                self._git.bundle(repo, bundle)
                with bundle.open("rb") as stream:
                    self._storage.put(bundle_key, stream)
            self._storage.put(keys.versions_head_key(project_id), head.encode())
            _write_marker(repo, head)
            # Older bundles go last: a reader that read the previous pointer retries once.
            for key in self._storage.list(keys.versions_prefix(project_id)):
                if key.endswith(BUNDLE_SUFFIX) and key != bundle_key:
                    self._storage.delete(key)

    def remove(self, project_id: str, repo: Path) -> None:
        with _locked(repo):
            self._storage.delete_prefix(keys.versions_prefix(project_id))
            self._forget(repo)

    def _refresh(self, project_id: str, repo: Path, *, retry: bool = True) -> None:
        stored = self._stored_head(project_id)
        known = _read_marker(repo)
        if stored == known:
            return
        if stored is None:
            # The kept history is gone (the project was deleted): so goes the copy. A copy
            # that was never kept (made before histories were stored) waits for its next save.
            if known is not None:
                self._forget(repo)
            return
        with tempfile.TemporaryDirectory(prefix="kirbygen-bundle-") as folder:
            bundle = Path(folder) / "site.bundle"
            try:
                with (
                    self._storage.open(keys.versions_bundle_key(project_id, stored)) as source,
                    bundle.open("wb") as target,
                ):
                    shutil.copyfileobj(source, target, CHUNK_BYTES)
            except NotFound:
                if not retry:
                    raise
                # A writer replaced it between our two reads: its pointer names the new one.
                self._refresh(project_id, repo, retry=False)
                return
            self._git.restore(bundle, repo)
        _write_marker(repo, stored)

    def _stored_head(self, project_id: str) -> str | None:
        try:
            return self._storage.get(keys.versions_head_key(project_id)).decode().strip() or None
        except NotFound:
            return None

    def _forget(self, repo: Path) -> None:
        self._git.remove(repo)
        _marker(repo).unlink(missing_ok=True)


def _marker(repo: Path) -> Path:
    return repo.with_name(repo.name + ".stored")


def _read_marker(repo: Path) -> str | None:
    try:
        return _marker(repo).read_text().strip() or None
    except FileNotFoundError:
        return None


def _write_marker(repo: Path, head: str) -> None:
    marker = _marker(repo)
    marker.parent.mkdir(parents=True, exist_ok=True)
    partial = marker.with_name(marker.name + ".partial")
    partial.write_text(head + "\n")
    partial.replace(marker)


@contextmanager
def _locked(repo: Path) -> Iterator[None]:
    """One refresh or save of a cached repository at a time on this machine (threads of one
    process, and processes sharing the disk)."""
    lock = repo.with_name(repo.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
