"""The ``Git`` port on the ``git`` command line.

Each project's repository is a git directory of its own; every call names the work tree, so
the folder a run just generated is committed as it is, wherever it was written. Nothing is
read from the machine's git configuration: identity, credentials and settings are passed in,
so a fresh machine with no ``user.name`` commits, and a person's global config cannot change
what gets committed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from domain.errors import KirbyGenError
from domain.ports import GitIdentity, GitRemote
from domain.versions import ChangeKind, CommitInfo, FileChange, VersionDiff, run_id_of

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
# Never versioned: Kirby's core and what Kirby writes while it runs (the site's own
# .gitignore says the same), and the generator's caches.
EXCLUDED = (
    "/kirby/",
    "/vendor/",
    "/media/",
    "/site/accounts/",
    "/site/sessions/",
    "/site/cache/",
    "/.kirbygen/cache/",
    "/.kirbygen/*.git/",
    "/.kirbygen/deployments.json",
)
_KINDS = {"A": ChangeKind.ADDED, "D": ChangeKind.REMOVED, "M": ChangeKind.CHANGED}
_FIELD, _RECORD = "\x1f", "\x1e"
# Gives git the remote's credentials from the environment of the one push that needs them.
_CREDENTIAL_HELPER = (
    '!f() { test "$1" = get || exit 0; '
    'printf "username=%s\\npassword=%s\\n" "$KIRBYGEN_GIT_USERNAME" "$KIRBYGEN_GIT_PASSWORD"; }; f'
)
PUSH_TIMEOUT_SECONDS = 120
_USERINFO = re.compile(r"(\w+://)[^/@\s]+@")


class GitCommandError(KirbyGenError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="git_failed")


def redact(text: str, *secrets: str) -> str:
    """``text`` without URL credentials or any of ``secrets``."""
    text = _USERINFO.sub(r"\1***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class GitCli:
    def __init__(self, binary: str = "git") -> None:
        self._binary = binary

    # --- the port -------------------------------------------------------------------------

    def pending(self, repo: Path, tree: Path) -> list[FileChange]:
        self._ensure(repo)
        self._git(repo, "add", "--all", tree=tree)
        base = self._head(repo) or EMPTY_TREE
        return self._name_status(repo, "diff", "--cached", base, tree=tree)

    def commit(self, repo: Path, tree: Path, message: str, author: GitIdentity) -> str | None:
        if not self.pending(repo, tree):
            return None
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": author.name,
            "GIT_COMMITTER_EMAIL": author.email,
        }
        self._git(repo, "commit", "--quiet", "--no-verify", "-F", "-", tree=tree,
                  stdin=message.encode(), env=env)  # fmt: skip
        head = self._head(repo)
        assert head is not None
        return head

    def history(self, repo: Path) -> list[CommitInfo]:
        if not (repo / "HEAD").is_file() or self._head(repo) is None:
            return []
        fmt = _FIELD.join(["%H", "%an <%ae>", "%aI", "%B"]) + _RECORD
        out = self._git(repo, "log", f"--format={fmt}").decode()
        commits: list[CommitInfo] = []
        for record in out.split(_RECORD):
            if not record.strip():
                continue
            commit, author, date, message = record.strip("\n").split(_FIELD, 3)
            commits.append(
                CommitInfo(
                    id=commit,
                    message=message.strip() + "\n",
                    author=author,
                    created=datetime.fromisoformat(date),
                    run_id=run_id_of(message),
                )
            )
        return commits

    def read(self, repo: Path, commit: str, path: str) -> bytes | None:
        if not (repo / "HEAD").is_file():
            return None
        done = self._run(repo, ["show", f"{commit}:{path}"], check=False)
        return done.stdout if done.returncode == 0 else None

    def diff(self, repo: Path, old: str | None, new: str, max_bytes: int) -> VersionDiff:
        base = old or EMPTY_TREE
        files = self._name_status(repo, "diff", base, new)
        patch = self._git(repo, "diff", "--no-color", "--no-ext-diff", base, new)
        truncated = len(patch) > max_bytes
        text = patch[:max_bytes].decode("utf-8", errors="replace")
        return VersionDiff(old, new, tuple(files), text, truncated)

    def export(self, repo: Path, commit: str, dest: Path) -> None:
        archive = self._git(repo, "archive", "--format=tar", commit)
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")

    def push(self, repo: Path, commit: str, remote: GitRemote) -> None:
        env = {
            "KIRBYGEN_GIT_USERNAME": remote.username,
            "KIRBYGEN_GIT_PASSWORD": remote.password,
            "GIT_TERMINAL_PROMPT": "0",
        }
        args = [
            "-c", "credential.helper=",
            "-c", f"credential.helper={_CREDENTIAL_HELPER}",
            "push", "--quiet", remote.url, f"{commit}:refs/heads/{remote.branch}",
        ]  # fmt: skip
        try:
            done = self._run(repo, args, env=env, check=False, timeout=PUSH_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise GitCommandError(
                f"pushing to {redact(remote.url)} took longer than {PUSH_TIMEOUT_SECONDS} s"
            ) from None
        if done.returncode != 0:
            why = redact(done.stderr.decode(errors="replace").strip(), remote.password)
            raise GitCommandError(f"pushing to {redact(remote.url)} failed: {why}")

    def bundle(self, repo: Path, dest: Path) -> bool:
        if not (repo / "HEAD").is_file() or self._head(repo) is None:
            return False
        self._git(repo, "bundle", "create", str(dest), "--all")
        return True

    def restore(self, bundle: Path, repo: Path) -> None:
        staging = repo.with_name(repo.name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        repo.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._ensure(staging)
            # Every object is checked as it arrives: the bundle may come from anywhere.
            self._git(staging, "config", "fetch.fsckObjects", "true")
            self._git(staging, "fetch", "--quiet", "--update-head-ok", str(bundle.resolve()),
                      "refs/*:refs/*")  # fmt: skip
            self._point_head(staging, bundle)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        replaced = repo.with_name(repo.name + ".replaced")
        shutil.rmtree(replaced, ignore_errors=True)
        if repo.exists():
            repo.rename(replaced)
        staging.rename(repo)
        shutil.rmtree(replaced, ignore_errors=True)

    def remove(self, repo: Path) -> None:
        shutil.rmtree(repo, ignore_errors=True)
        if repo.exists():
            raise GitCommandError(f"could not delete the repository {repo}")

    def _point_head(self, repo: Path, bundle: Path) -> None:
        """HEAD names the branch the bundle's HEAD was on (main when several match)."""
        heads = self._git(repo, "bundle", "list-heads", str(bundle.resolve())).decode().split("\n")
        pairs = (line.split(" ", 1) for line in heads if " " in line)
        refs = {ref: commit for commit, ref in pairs}
        head = refs.get("HEAD")
        branches = sorted(
            ref for ref, commit in refs.items() if ref.startswith("refs/heads/") and commit == head
        )
        if head is not None and branches and "refs/heads/main" not in branches:
            self._git(repo, "symbolic-ref", "HEAD", branches[0])

    # --- helpers --------------------------------------------------------------------------

    def resolve(self, repo: Path, ref: str) -> str | None:
        """The full commit id ``ref`` names in ``repo`` (a prefix or a name), else None."""
        if not (repo / "HEAD").is_file() or not re.fullmatch(r"[0-9A-Za-z_./-]{1,100}", ref):
            return None
        done = self._run(repo, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                         check=False)  # fmt: skip
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def _ensure(self, repo: Path) -> None:
        if (repo / "HEAD").is_file():
            return
        if shutil.which(self._binary) is None:
            raise GitCommandError(f"the git command ({self._binary!r}) is not installed")
        repo.mkdir(parents=True, exist_ok=True)
        self._run(
            repo, ["init", "--quiet", "--bare", "--initial-branch=main", str(repo.absolute())]
        )
        # A bare directory that still takes a work tree per command.
        self._git(repo, "config", "core.bare", "false")
        self._git(repo, "config", "core.autocrlf", "false")
        (repo / "info").mkdir(exist_ok=True)
        (repo / "info" / "exclude").write_text("\n".join(EXCLUDED) + "\n")

    def _head(self, repo: Path) -> str | None:
        done = self._run(repo, ["rev-parse", "--verify", "--quiet", "HEAD"], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def _name_status(self, repo: Path, *args: str, tree: Path | None = None) -> list[FileChange]:
        out = self._git(repo, *args, "--name-status", "--no-renames", "-z", tree=tree).decode()
        parts = [p for p in out.split("\0") if p]
        return [
            FileChange(path=parts[i + 1], kind=_KINDS.get(parts[i][0], ChangeKind.CHANGED))
            for i in range(0, len(parts) - 1, 2)
        ]

    def _git(
        self,
        repo: Path,
        *args: str,
        tree: Path | None = None,
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> bytes:
        return self._run(repo, list(args), tree=tree, stdin=stdin, env=env).stdout

    def _run(
        self,
        repo: Path,
        args: list[str],
        *,
        tree: Path | None = None,
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        # git runs in the work tree: a relative repository (the default data folder is the
        # relative `var`) would be looked for there.
        repo = repo.absolute()
        tree = None if tree is None else tree.absolute()
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(repo),
            "LC_ALL": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_DIR": str(repo),
            "GIT_AUTHOR_NAME": "Kirby-Gen",
            "GIT_AUTHOR_EMAIL": "kirbygen@localhost",
            "GIT_COMMITTER_NAME": "Kirby-Gen",
            "GIT_COMMITTER_EMAIL": "kirbygen@localhost",
        }
        if tree is not None:
            base["GIT_WORK_TREE"] = str(tree)
        if args[0] == "init":
            base.pop("GIT_DIR")
        done = subprocess.run(
            [self._binary, *args],
            input=stdin,
            capture_output=True,
            env=base | (env or {}),
            cwd=tree or repo,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            why = redact(done.stderr.decode(errors="replace").strip())
            raise GitCommandError(f"git {args[0]} failed: {why}")
        return done
