"""Versioning (SPEC §2, phase 6): one commit per successful run in the project's own site
repository, pushed to its remote when one is set; history and diffs between runs."""

from __future__ import annotations

from pathlib import Path

import attrs

from application.access import ProjectAccess
from domain.content import StructuredContent
from domain.errors import InvalidInput, NotFound
from domain.ports import Git, GitIdentity, GitRemote, ProjectRepository, VersionStore
from domain.project import Role
from domain.serialization import from_json
from domain.versions import CommitInfo, VersionDiff, commit_message, content_changes

# The content as the run structured it, written beside every generated site.
CONTENT_JSON = ".kirbygen/content.json"
# The static export of the same version, committed with the site so that a host deploying
# from git (Render's static sites) publishes exactly this version.
STATIC_DIR = ".kirbygen/public"
MIN_COMMIT_PREFIX = 4


@attrs.frozen
class VersioningConfig:
    repos_dir: Path
    author: GitIdentity
    # A remote URL, or a template with ``{project}``; empty: no push.
    remote_url: str = ""
    branch: str = "main"
    username: str = ""
    password: str = attrs.field(default="", repr=False)
    max_diff_bytes: int = 1024 * 1024


def _content(data: bytes | None) -> StructuredContent | None:
    if data is None:
        return None
    try:
        return from_json(data, StructuredContent)
    except Exception:  # an older or hand-edited file: every page counts as new
        return None


class SiteVersions:
    """The repository of each project's site, and committing a run's folder into it. The
    repository on disk is a copy of the one ``store`` keeps: ``checkout`` refreshes it before
    it is read, ``record`` saves it after a commit."""

    def __init__(self, git: Git, config: VersioningConfig, store: VersionStore) -> None:
        self._git = git
        self._config = config
        self._store = store

    @property
    def git(self) -> Git:
        return self._git

    def repo(self, project_id: str) -> Path:
        return self._config.repos_dir / f"{project_id}.git"

    def checkout(self, project_id: str) -> Path:
        """The project's repository on this disk, holding the kept history."""
        repo = self.repo(project_id)
        self._store.refresh(project_id, repo)
        return repo

    def remove(self, project_id: str) -> None:
        """Delete the project's history: the kept one and this disk's copy."""
        self._store.remove(project_id, self.repo(project_id))

    def adopt(self, project_id: str, bundle: Path) -> None:
        """Make the history in ``bundle`` the project's, replacing the kept one."""
        repo = self.repo(project_id)
        self._store.remove(project_id, repo)
        self._git.restore(bundle, repo)
        self._store.save(project_id, repo)

    def remote(self, project_id: str) -> GitRemote | None:
        c = self._config
        if not c.remote_url:
            return None
        url = c.remote_url.replace("{project}", project_id)
        return GitRemote(url=url, branch=c.branch, username=c.username, password=c.password)

    def record(
        self, project_id: str, run_id: str, tree: Path, remote: GitRemote | None
    ) -> str | None:
        """Commit ``tree`` for ``run_id`` on top of the kept history unless that run already
        has its commit (a retried or re-delivered run commits once), keep it, then push when
        there is a remote. Returns the commit holding the run's site: its own, or the last one
        when nothing changed."""
        repo = self.checkout(project_id)
        history = self._git.history(repo)
        commit = next((c.id for c in history if c.run_id == run_id), None)
        if commit is None:
            files = self._git.pending(repo, tree)
            if files:
                old = self._git.read(repo, history[0].id, CONTENT_JSON) if history else None
                new_path = tree / CONTENT_JSON
                new = _content(new_path.read_bytes() if new_path.is_file() else None)
                changes = content_changes(_content(old), new or StructuredContent())
                message = commit_message(run_id, changes, files)
                commit = self._git.commit(repo, tree, message, self._config.author)
            elif history:
                commit = history[0].id
        self._store.save(project_id, repo)
        if commit is not None and remote is not None:
            self._git.push(repo, commit, remote)
        return commit

    def history(self, repo: Path) -> list[CommitInfo]:
        return self._git.history(repo)

    def diff(self, repo: Path, spec: str) -> VersionDiff:
        """The diff named by ``spec``: ``A..B`` (run ids or commit ids), or one version
        (compared with the one before it)."""
        history = self._git.history(repo)
        if not history:
            raise NotFound("this site has no versions yet", code="no_versions")
        old_ref, dots, new_ref = spec.partition("..")
        if not dots:
            new = self._find(history, spec)
            index = next(i for i, c in enumerate(history) if c.id == new)
            old = history[index + 1].id if index + 1 < len(history) else None
        else:
            old, new = self._find(history, old_ref), self._find(history, new_ref)
        return self._git.diff(repo, old, new, self._config.max_diff_bytes)

    @staticmethod
    def _find(history: list[CommitInfo], ref: str) -> str:
        ref = ref.strip()
        if not ref:
            raise InvalidInput("name two versions as A..B (run ids or commit ids)")
        for commit in history:
            if ref in (commit.run_id, commit.id):
                return commit.id
        if len(ref) >= MIN_COMMIT_PREFIX:
            found = [c.id for c in history if c.id.startswith(ref.lower())]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise InvalidInput(f"{ref!r} names more than one commit; give more of it")
        raise NotFound(f"no version {ref!r} (neither a run nor a commit)", code="version_not_found")


class VersionService:
    """History and diffs of a project's site, for the API (with access checks) and the CLI."""

    def __init__(
        self, *, versions: SiteVersions, repository: ProjectRepository, access: ProjectAccess
    ) -> None:
        self._versions = versions
        self._repository = repository
        self._access = access

    def history(self, project_id: str, user_id: str) -> list[CommitInfo]:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self.history_of(project_id)

    def diff(self, project_id: str, user_id: str, spec: str) -> VersionDiff:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self.diff_of(project_id, spec)

    def history_of(self, project_id: str) -> list[CommitInfo]:
        self._require_project(project_id)
        return self._versions.history(self._versions.checkout(project_id))

    def diff_of(self, project_id: str, spec: str) -> VersionDiff:
        self._require_project(project_id)
        return self._versions.diff(self._versions.checkout(project_id), spec)

    def _require_project(self, project_id: str) -> None:
        if self._repository.get_project(project_id) is None:
            raise NotFound(f"no project {project_id!r}", code="project_not_found")
