"""One project in one portable file, and back: ``kirbygen export`` / ``kirbygen import``.

The archive is a zip file:

- ``records.json``: every row of the project (``ProjectRecords``: the project, its members and
  their accounts, uploads, runs and their events, deployments and theirs);
- ``storage/<key>``: every stored object under the project's folder (``projects/<id>/``):
  upload bytes, schema drafts, checkpoints, the generated site (``outputs/site.zip``), the
  run's report and preview files;
- ``git/site.bundle``: the site's version history as a git bundle (absent: no versions yet);
- ``manifest.json``, written last: the format and its version, the Kirby-Gen version, the
  project's id, and the size and SHA-256 of every other member.

Objects are copied in chunks in both directions, so a large project never sits in memory;
only ``records.json`` and ``manifest.json`` are read whole (bounded by ``max_records_bytes``).

An archive being imported is untrusted: every member's name, size and checksum, the format
version and the rows' consistency are checked before anything is written, and the named
limits of ``ArchiveLimits`` bound what it may hold.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO, cast

import attrs

from application.keys import project_prefix, versions_prefix
from application.versions import SiteVersions
from domain.errors import InvalidInput, KirbyGenError, NotFound
from domain.ports import Clock, ProjectRecordStore, ProjectRepository, Storage
from domain.project_records import ProjectRecords
from domain.refusals import Conflict
from domain.serialization import from_data, to_json

FORMAT = "kirbygen-project-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.json"
GIT_BUNDLE = "git/site.bundle"
STORAGE_DIR = "storage/"
# The kept history's own objects (a bundle and its head pointer) never travel as objects: the
# history is git/site.bundle, and an archive must not plant a head pointer of its own.
KEPT_HISTORY_DIR = STORAGE_DIR + versions_prefix("-").removeprefix(project_prefix("-"))
CHUNK_BYTES = 1024 * 1024
MAX_NAME_CHARS = 1024


class InvalidArchive(InvalidInput):
    code = "invalid_archive"


@attrs.frozen
class ArchiveLimits:
    """What an archive being imported may hold (each a setting: KIRBYGEN_ARCHIVE_*)."""

    max_member_bytes: int
    max_total_bytes: int
    max_members: int
    # records.json and manifest.json are read into memory whole.
    max_records_bytes: int


@attrs.frozen
class Member:
    size: int
    sha256: str


@attrs.frozen
class ExportSummary:
    project_id: str
    members: int
    bytes: int
    commits: bool


@attrs.frozen
class ImportSummary:
    project_id: str
    objects: int
    runs: int
    deployments: int
    commits: bool
    replaced: bool


class _Hashing:
    def __init__(self) -> None:
        self.size = 0
        self.digest = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.digest.update(chunk)

    def member(self) -> Member:
        return Member(self.size, self.digest.hexdigest())


def _copy(source: IO[bytes], write: Callable[[bytes], object], limit: int | None = None) -> Member:
    """Copy in chunks, hashing; past ``limit`` bytes the member is lying about its size."""
    hashing = _Hashing()
    while chunk := source.read(CHUNK_BYTES):
        hashing.update(chunk)
        if limit is not None and hashing.size > limit:
            raise InvalidArchive(f"an archive member is larger than its manifest says ({limit})")
        write(chunk)
    return hashing.member()


def _discard(chunk: bytes) -> None:
    return None


def _check_name(name: str) -> None:
    """Member names are relative '/'-paths of known kinds: nothing can escape on import."""
    if len(name) > MAX_NAME_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidArchive(f"archive member name {name[:80]!r} is not allowed")
    segments = name.split("/")
    if name.startswith("/") or "\\" in name or any(s in ("", ".", "..") for s in segments):
        raise InvalidArchive(f"archive member {name!r} leads outside the archive")
    known = name in (MANIFEST, RECORDS, GIT_BUNDLE) or name.startswith(STORAGE_DIR)
    if not known or name.startswith(KEPT_HISTORY_DIR):
        raise InvalidArchive(f"archive member {name!r} is not part of a project archive")


class ProjectArchive:
    def __init__(
        self,
        *,
        records: ProjectRecordStore,
        repository: ProjectRepository,
        storage: Storage,
        versions: SiteVersions,
        clock: Clock,
        version: str,
        limits: ArchiveLimits,
    ) -> None:
        self._records = records
        self._repository = repository
        self._storage = storage
        self._versions = versions
        self._clock = clock
        self._version = version
        self._limits = limits

    # --- export -----------------------------------------------------------------------------

    def export(self, project_id: str, out: BinaryIO) -> ExportSummary:
        """Write the project's archive into ``out`` (a file opened for writing)."""
        records = self._records.read(project_id)
        if records is None:
            raise NotFound(f"no project {project_id!r}")
        active = records.active_runs()
        if active:
            raise Conflict(
                f"run {active[0].id} of this project is still {active[0].status.value}; "
                "export once it has finished (or cancel it)",
                code="run_active",
            )
        members: dict[str, Member] = {}
        prefix = project_prefix(project_id)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            data = to_json(records).encode()
            archive.writestr(RECORDS, data, compress_type=zipfile.ZIP_DEFLATED)
            members[RECORDS] = Member(len(data), hashlib.sha256(data).hexdigest())
            for key in self._storage.list(prefix):
                if key.startswith(versions_prefix(project_id)):
                    continue  # the history travels as git/site.bundle
                name = STORAGE_DIR + key.removeprefix(prefix)
                with (
                    self._storage.open(key) as source,
                    archive.open(name, "w", force_zip64=True) as target,
                ):
                    members[name] = _copy(source, target.write)
            commits = self._export_history(project_id, archive, members)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "kirbygen_version": self._version,
                "project_id": project_id,
                "created": self._clock.now().isoformat(),
                "members": {name: attrs.asdict(m) for name, m in sorted(members.items())},
            }
            body = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
            archive.writestr(MANIFEST, body, compress_type=zipfile.ZIP_DEFLATED)
        return ExportSummary(
            project_id=project_id,
            members=len(members),
            bytes=sum(m.size for m in members.values()),
            commits=commits,
        )

    def _export_history(
        self, project_id: str, archive: zipfile.ZipFile, members: dict[str, Member]
    ) -> bool:
        with tempfile.TemporaryDirectory(prefix="kirbygen-export-") as folder:
            bundle = Path(folder) / "site.bundle"
            if not self._versions.git.bundle(self._versions.checkout(project_id), bundle):
                return False
            with bundle.open("rb") as source, archive.open(GIT_BUNDLE, "w", force_zip64=True) as t:
                members[GIT_BUNDLE] = _copy(source, t.write)
        return True

    # --- import -----------------------------------------------------------------------------

    def import_(self, source: BinaryIO, *, replace: bool = False) -> ImportSummary:
        """Restore the archive read from ``source`` (a seekable file) into this database and
        storage. Nothing is written until the whole archive has been checked."""
        with self._open(source) as archive:
            manifest, records = self._validate(archive)
            project_id = records.project.id
            exists = self._repository.get_project(project_id) is not None
            if exists and not replace:
                raise Conflict(
                    f"project {project_id!r} already exists here; --replace overwrites it",
                    code="project_exists",
                )
            written: list[str] = []
            had_history = bool(self._versions.git.history(self._versions.checkout(project_id)))
            try:
                history = versions_prefix(project_id)
                earlier = {
                    key
                    for key in self._storage.list(project_prefix(project_id))
                    if not key.startswith(history)
                }
                self._restore_objects(archive, manifest, project_id, written)
                commits = self._restore_history(archive, manifest, project_id)
                self._records.write(records, replace=replace)
            except BaseException as exc:
                if not replace:
                    self._undo(written, project_id if not had_history else None)
                if replace and isinstance(exc, Exception):
                    raise KirbyGenError(
                        f"the import stopped half-way ({exc}); the project may be mixed: "
                        "run the same import with --replace again"
                    ) from exc
                raise
            for key in sorted(earlier - set(written)):  # objects the archive no longer has
                self._storage.delete(key)
            if not commits and had_history:
                self._versions.remove(project_id)
        return ImportSummary(
            project_id=project_id,
            objects=len(written),
            runs=len(records.runs),
            deployments=len(records.deployments),
            commits=commits,
            replaced=exists,
        )

    @contextmanager
    def _open(self, source: BinaryIO) -> Iterator[zipfile.ZipFile]:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise InvalidArchive(f"not a readable archive (zip): {exc}") from None
        with archive:
            yield archive

    def _validate(self, archive: zipfile.ZipFile) -> tuple[dict[str, Member], ProjectRecords]:
        limits = self._limits
        infos = archive.infolist()
        if len(infos) > limits.max_members + 1:
            raise InvalidArchive(
                f"the archive has {len(infos)} members, more than KIRBYGEN_ARCHIVE_MAX_MEMBERS "
                f"({limits.max_members})"
            )
        names = [info.filename for info in infos]
        for name in names:
            _check_name(name)
        if len(set(names)) != len(names):
            raise InvalidArchive("the archive holds a member twice")
        total = 0
        for info in infos:
            if info.file_size > limits.max_member_bytes:
                raise InvalidArchive(
                    f"archive member {info.filename!r} has {info.file_size} bytes, more than "
                    f"KIRBYGEN_ARCHIVE_MAX_MEMBER_BYTES ({limits.max_member_bytes})"
                )
            total += info.file_size
        if total > limits.max_total_bytes:
            raise InvalidArchive(
                f"the archive unpacks to {total} bytes, more than KIRBYGEN_ARCHIVE_MAX_TOTAL_BYTES "
                f"({limits.max_total_bytes})"
            )
        if MANIFEST not in names or RECORDS not in names:
            raise InvalidArchive(f"not a project archive: it has no {MANIFEST} or {RECORDS}")
        manifest_data = self._small(archive, MANIFEST)
        manifest, project_id = self._manifest(manifest_data)
        if set(manifest) != set(names) - {MANIFEST}:
            missing = sorted(set(manifest) ^ (set(names) - {MANIFEST}))
            raise InvalidArchive(f"the manifest and the archive disagree about {missing[0]!r}")
        for name, expected in manifest.items():
            with self._member(archive, name) as stream:
                found = _copy(stream, _discard, limit=expected.size)
            if found != expected:
                raise InvalidArchive(
                    f"archive member {name!r} is damaged: its size or checksum differs from "
                    "the manifest"
                )
        records = self._records_of(self._small(archive, RECORDS), project_id)
        stored = {STORAGE_DIR + u.stored_key.removeprefix(project_prefix(project_id))
                  for u in records.uploads}  # fmt: skip
        if not stored <= set(names):
            raise InvalidArchive(f"the archive lacks the bytes of {sorted(stored - set(names))[0]}")
        return manifest, records

    @contextmanager
    def _member(self, archive: zipfile.ZipFile, name: str) -> Iterator[IO[bytes]]:
        try:
            with archive.open(name) as stream:
                yield stream
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            # A cut-short file, a bad CRC or compression data that does not decompress.
            raise InvalidArchive(f"archive member {name!r} cannot be read: {exc}") from None

    def _small(self, archive: zipfile.ZipFile, name: str) -> bytes:
        limit = self._limits.max_records_bytes
        with self._member(archive, name) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise InvalidArchive(
                f"{name} is larger than KIRBYGEN_ARCHIVE_MAX_RECORDS_BYTES ({limit})"
            )
        return data

    def _manifest(self, data: bytes) -> tuple[dict[str, Member], str]:
        try:
            body = json.loads(data)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            raise InvalidArchive(f"{MANIFEST} is not JSON") from None
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise InvalidArchive(f"not a project archive ({MANIFEST} names no {FORMAT!r})")
        version = body.get("format_version")
        if version != FORMAT_VERSION:
            raise InvalidArchive(
                f"archive format version {version!r} is not supported (this Kirby-Gen "
                f"{self._version} reads version {FORMAT_VERSION}; the archive was made by "
                f"Kirby-Gen {body.get('kirbygen_version')!r})"
            )
        project_id, listed = body.get("project_id"), body.get("members")
        if not isinstance(project_id, str) or not isinstance(listed, dict):
            raise InvalidArchive(f"{MANIFEST} lacks the project id or the member list")
        members: dict[str, Member] = {}
        for name, entry in listed.items():
            size = entry.get("size") if isinstance(entry, dict) else None
            digest = entry.get("sha256") if isinstance(entry, dict) else None
            if not isinstance(size, int) or not isinstance(digest, str) or size < 0:
                raise InvalidArchive(f"{MANIFEST} describes {name!r} without size and sha256")
            members[name] = Member(size, digest)
        return members, project_id

    def _records_of(self, data: bytes, project_id: str) -> ProjectRecords:
        try:
            records = from_data(json.loads(data), ProjectRecords)
        except Exception as exc:  # cattrs reports a wrong shape in many ways
            why = " ".join(str(exc).split())[:200]
            raise InvalidArchive(f"{RECORDS} does not hold a project's rows: {why}") from None
        if records.project.id != project_id:
            raise InvalidArchive(f"{RECORDS} holds another project than the manifest names")
        problems = records.problems(project_prefix(project_id))
        if problems:
            raise InvalidArchive(f"{RECORDS} is inconsistent: {problems[0]}")
        if records.active_runs():
            raise InvalidArchive(f"{RECORDS} holds a run that is still active")
        return records

    def _restore_objects(
        self,
        archive: zipfile.ZipFile,
        manifest: dict[str, Member],
        project_id: str,
        written: list[str],
    ) -> None:
        prefix = project_prefix(project_id)
        for name in sorted(manifest):
            if not name.startswith(STORAGE_DIR):
                continue
            key = prefix + name.removeprefix(STORAGE_DIR)
            with self._member(archive, name) as stream:
                written.append(key)
                stored = self._storage.put(key, cast(BinaryIO, stream))
            if (stored.size, stored.sha256) != attrs.astuple(manifest[name]):
                raise KirbyGenError(f"storing {key} changed its bytes")

    def _restore_history(
        self, archive: zipfile.ZipFile, manifest: dict[str, Member], project_id: str
    ) -> bool:
        if GIT_BUNDLE not in manifest:
            return False
        with tempfile.TemporaryDirectory(prefix="kirbygen-import-") as folder:
            bundle = Path(folder) / "site.bundle"
            with self._member(archive, GIT_BUNDLE) as stream, bundle.open("wb") as target:
                shutil.copyfileobj(stream, target, CHUNK_BYTES)
            self._versions.adopt(project_id, bundle)
        return True

    def _undo(self, written: list[str], history_of: str | None) -> None:
        for key in written:
            self._storage.delete(key)
        if history_of is not None:
            self._versions.remove(history_of)
