"""ProjectArchive on SQLite, local files and git: a round trip keeps every row, object and
commit; hostile archives are refused before anything is written; an import that fails
half-way leaves nothing behind; an existing project is kept unless --replace."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from sqlalchemy import Engine

from adapters.git.cli import GitCli
from adapters.local.storage import LocalStorage
from adapters.sql.database import create_engine_for, upgrade
from adapters.sql.deployments import SqlDeploymentRepository
from adapters.sql.project_records import SqlProjectRecords
from adapters.sql.repository import SqlProjectRepository
from application.project_archive import ArchiveLimits, InvalidArchive, ProjectArchive
from application.version_store import StoredRepositories
from application.versions import SiteVersions, VersioningConfig
from domain.errors import InvalidInput
from domain.ports import GitIdentity
from domain.project import (
    Deployment,
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
from domain.refusals import Conflict
from tests.fakes.clock import FixedClock
from tests.support.git_tool import require_git

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
LIMITS = ArchiveLimits(
    max_member_bytes=1024 * 1024,
    max_total_bytes=4 * 1024 * 1024,
    max_members=50,
    max_records_bytes=256 * 1024,
)
UPLOAD_BYTES = b"# About\n\nMara makes furniture.\n" * 100


@attrs.define
class Instance:
    """One installation: a database, a storage folder and the site repositories."""

    root: Path
    engine: Engine
    storage: LocalStorage
    versions: SiteVersions

    @property
    def repository(self) -> SqlProjectRepository:
        return SqlProjectRepository(self.engine)

    @property
    def records(self) -> SqlProjectRecords:
        return SqlProjectRecords(self.engine)

    def archive(self, limits: ArchiveLimits = LIMITS) -> ProjectArchive:
        return ProjectArchive(
            records=self.records,
            repository=self.repository,
            storage=self.storage,
            versions=self.versions,
            clock=FixedClock(T0),
            version="9.9.9",
            limits=limits,
        )

    def objects(self, project_id: str) -> dict[str, bytes]:
        prefix = f"projects/{project_id}/"
        return {key: self.storage.get(key) for key in self.storage.list(prefix)}


@pytest.fixture
def make_instance(tmp_path: Path) -> Iterator[Callable[[str], Instance]]:
    require_git()
    engines: list[Engine] = []

    def make(name: str) -> Instance:
        root = tmp_path / name
        url = f"sqlite:///{root / 'kirbygen.db'}"
        upgrade(url)
        engine = create_engine_for(url)
        engines.append(engine)
        config = VersioningConfig(root / "sites", GitIdentity("Kirby-Gen", "k@localhost"))
        storage = LocalStorage(root / "files")
        store = StoredRepositories(storage, GitCli())
        return Instance(root, engine, storage, SiteVersions(GitCli(), config, store))

    yield make
    for engine in engines:
        engine.dispose()


def _seed(instance: Instance, project_id: str = "p-1") -> None:
    """A project with two members, an upload, a finished and a failed run with events, a
    version in git, a generated site and a deployment with its events."""
    repo = instance.repository
    repo.add_user(User("u-owner", "owner@example.com", "$argon2id$owner", token_version=2))
    repo.add_user(User("u-editor", "editor@example.com", "$argon2id$editor"))
    project = Project(
        project_id,
        "Mara",
        "u-owner",
        ProjectStatus.DEPLOYED,
        T0,
        T0,
        ("#112233", "#abcdef"),
        "Inter",
    )
    repo.add_project(project, [Membership(project_id, "u-owner", Role.OWNER)])
    repo.set_membership(Membership(project_id, "u-editor", Role.EDITOR))
    key = f"projects/{project_id}/uploads/up-1"
    stored = instance.storage.put(key, UPLOAD_BYTES)
    repo.add_upload(
        Upload(
            "up-1",
            project_id,
            UploadKind.CONTENT,
            "about.md",
            key,
            "text/markdown",
            stored.size,
            stored.sha256,
            T0,
        )
    )
    instance.storage.put(f"projects/{project_id}/outputs/site.zip", b"PK-site" * 1000)
    instance.storage.put(f"projects/{project_id}/schema/approved.json", b'{"entities": []}')

    tree = instance.root / "tree"
    (tree / "content").mkdir(parents=True)
    (tree / "content" / "site.txt").write_text("Title: Mara\n")
    commit = instance.versions.record(project_id, "r-1", tree, None)
    assert commit is not None
    failed = Run(
        "r-0",
        project_id,
        RunStatus.FAILED,
        T0,
        T0,
        T0 + timedelta(seconds=3),
        (Phase.INGEST,),
        RunFailure(Phase.MAPPING, "llm_failed", "the model refused"),
    )
    done = Run(
        "r-1",
        project_id,
        RunStatus.SUCCEEDED,
        T0 + timedelta(minutes=1),
        T0 + timedelta(minutes=1),
        T0 + timedelta(minutes=2),
        tuple(Phase)[:6],
        None,
        TokenUsage(input_tokens=10, output_tokens=5, calls=1, cost_usd=0.0123),
        commit,
        "d-1",
    )
    for run in (failed, done):
        repo.add_run(run)
        for percent in (0, 50, 100):
            repo.append_event(
                ProgressEvent(
                    run.id,
                    Phase.INGEST,
                    EventStatus.PROGRESS,
                    percent,
                    f"{run.id} at {percent}",
                    T0,
                )
            )
    deployments = SqlDeploymentRepository(instance.engine)
    deployments.add_deployment(
        Deployment(
            "d-1",
            project_id,
            "local",
            "http://127.0.0.1:8123/",
            "stopped",
            T0,
            commit,
            T0 + timedelta(seconds=9),
        )
    )
    deployments.append_deployment_event(
        ProgressEvent("d-1", Phase.DEPLOYMENT, EventStatus.COMPLETED, 100, "live", T0)
    )


def _export(instance: Instance, path: Path, project_id: str = "p-1") -> Path:
    with path.open("wb") as out:
        instance.archive().export(project_id, out)
    return path


def _rewrite(source: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def _import(instance: Instance, path: Path, *, replace: bool = False) -> None:
    with path.open("rb") as source:
        instance.archive().import_(source, replace=replace)


def test_a_project_comes_back_identical_in_a_fresh_installation(
    make_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    old = make_instance("old")
    _seed(old)
    before = old.records.read("p-1")
    objects = old.objects("p-1")
    history = old.versions.git.history(old.versions.repo("p-1"))
    path = _export(old, tmp_path / "p-1.zip")

    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format_version"] == 1 and manifest["kirbygen_version"] == "9.9.9"
    assert names == {"manifest.json", *manifest["members"]}
    assert "storage/uploads/up-1" in names and "git/site.bundle" in names

    new = make_instance("new")
    _import(new, path)
    assert new.records.read("p-1") == before
    assert before is not None and len(before.events) == 6 and len(before.deployment_events) == 1
    assert new.objects("p-1") == objects
    assert new.versions.git.history(new.versions.repo("p-1")) == history
    site = new.versions.git.read(new.versions.repo("p-1"), history[0].id, "content/site.txt")
    assert site == b"Title: Mara\n"
    # The owner's account came along with its password hash: the same password logs in.
    assert new.repository.get_user_by_email("owner@example.com") == User(
        "u-owner", "owner@example.com", "$argon2id$owner", token_version=2
    )


def test_an_existing_project_is_kept_unless_replace_is_asked_for(
    make_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    instance = make_instance("one")
    _seed(instance)
    path = _export(instance, tmp_path / "p-1.zip")
    with pytest.raises(Conflict, match="already exists here; --replace"):
        _import(instance, path)

    # Changed since the export: --replace brings back the archived state exactly.
    before = instance.records.read("p-1")
    objects = instance.objects("p-1")
    instance.storage.put("projects/p-1/uploads/extra", b"added later")
    instance.repository.delete_upload("up-1")
    _import(instance, path, replace=True)
    assert instance.records.read("p-1") == before
    assert instance.objects("p-1") == objects


def test_an_import_that_fails_at_the_rows_leaves_no_objects_or_history(
    make_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    old = make_instance("old")
    _seed(old)
    path = _export(old, tmp_path / "p-1.zip")
    new = make_instance("new")
    # Another account already uses the editor's address here.
    new.repository.add_user(User("someone-else", "EDITOR@example.com", "hash"))
    with pytest.raises(InvalidInput, match="belongs to another account"):
        _import(new, path)
    assert new.storage.list("") == []
    assert new.versions.git.history(new.versions.repo("p-1")) == []
    assert new.repository.get_project("p-1") is None


def test_an_active_run_is_not_exported(
    make_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    instance = make_instance("one")
    _seed(instance)
    instance.repository.add_run(Run("r-2", "p-1", RunStatus.RUNNING, T0))
    with pytest.raises(Conflict, match="r-2 of this project is still running"):
        _export(instance, tmp_path / "p-1.zip")


def _manifest(members: dict[str, bytes]) -> dict[str, object]:
    body: dict[str, object] = json.loads(members["manifest.json"])
    return body


def _set_manifest(members: dict[str, bytes], body: dict[str, object]) -> None:
    members["manifest.json"] = json.dumps(body).encode()


def _traversal(members: dict[str, bytes]) -> None:
    members["storage/../../escaped"] = b"x"


def _absolute(members: dict[str, bytes]) -> None:
    members["/etc/kirbygen"] = b"x"


def _bad_checksum(members: dict[str, bytes]) -> None:
    members["storage/uploads/up-1"] = UPLOAD_BYTES.replace(b"Mara", b"Evil")


def _wrong_version(members: dict[str, bytes]) -> None:
    _set_manifest(members, _manifest(members) | {"format_version": 2})


def _planted_history(members: dict[str, bytes]) -> None:
    members["storage/versions/head"] = b"0" * 40


def _nested_manifest(members: dict[str, bytes]) -> None:
    members["manifest.json"] = b"[" * 100_000 + b"]" * 100_000


def _unlisted(members: dict[str, bytes]) -> None:
    members["storage/unlisted"] = b"x"


def _oversize(members: dict[str, bytes]) -> None:
    big = b"x" * (LIMITS.max_member_bytes + 1)
    members["storage/big"] = big
    body = _manifest(members)
    listed = body["members"]
    assert isinstance(listed, dict)
    listed["storage/big"] = {"size": len(big), "sha256": "0" * 64}
    _set_manifest(members, body)


def _foreign_rows(members: dict[str, bytes]) -> None:
    rows = json.loads(members["records.json"])
    rows["uploads"][0]["stored_key"] = "projects/other/uploads/up-1"
    members["records.json"] = json.dumps(rows).encode()
    body = _manifest(members)
    listed = body["members"]
    assert isinstance(listed, dict)
    import hashlib

    data = members["records.json"]
    listed["records.json"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    _set_manifest(members, body)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_traversal, "leads outside the archive"),
        (_absolute, "leads outside the archive"),
        (_bad_checksum, "'storage/uploads/up-1' is damaged"),
        (_wrong_version, "format version 2 is not supported"),
        (_nested_manifest, "manifest.json is not JSON"),
        (_planted_history, "'storage/versions/head' is not part of a project archive"),
        (_unlisted, "the manifest and the archive disagree about 'storage/unlisted'"),
        (_oversize, "more than KIRBYGEN_ARCHIVE_MAX_MEMBER_BYTES"),
        (_foreign_rows, "an upload is stored outside the project"),
    ],
)
def test_a_hostile_archive_is_refused_before_anything_is_written(
    make_instance: Callable[[str], Instance],
    tmp_path: Path,
    change: Callable[[dict[str, bytes]], None],
    message: str,
) -> None:
    old = make_instance("old")
    _seed(old)
    hostile = _rewrite(_export(old, tmp_path / "p-1.zip"), tmp_path / "hostile.zip", change)
    new = make_instance("new")
    with pytest.raises(InvalidArchive, match=message):
        _import(new, hostile)
    assert new.storage.list("") == []
    assert new.repository.get_project("p-1") is None
    assert not new.versions.repo("p-1").exists()


@pytest.mark.parametrize("keep", [0.3, 0.7, 0.98])
def test_a_truncated_archive_is_refused(
    make_instance: Callable[[str], Instance], tmp_path: Path, keep: float
) -> None:
    old = make_instance("old")
    _seed(old)
    whole = _export(old, tmp_path / "p-1.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: int(len(whole) * keep)])
    new = make_instance("new")
    with pytest.raises(InvalidArchive, match="not a readable archive"):
        _import(new, cut)
    assert new.storage.list("") == []


def test_garbage_is_not_an_archive(make_instance: Callable[[str], Instance]) -> None:
    new = make_instance("new")
    with pytest.raises(InvalidArchive, match="not a readable archive"):
        new.archive().import_(io.BytesIO(b"hello"))
