"""Uploads: files received chunk by chunk under named limits, stored all together or not at all.

A request's files are spooled (in memory up to a small size, then to a temporary file) while
the limits are checked on every chunk; only when the whole request was received and every file
was accepted are they written to storage and recorded. A refused request stores nothing.
"""

from __future__ import annotations

import tempfile
from typing import IO

import attrs

from application import keys
from application.access import ProjectAccess
from application.downloads import Download, open_download
from application.upload_types import detect_media_type
from domain.errors import InvalidInput, NotFound
from domain.names import normalise_name
from domain.ports import Clock, IdGenerator, ProjectRepository, Storage
from domain.project import Role, Upload, UploadKind
from domain.refusals import LimitExceeded, Unprocessable

SPOOL_MEMORY_BYTES = 1024 * 1024


@attrs.frozen
class UploadLimits:
    max_file_bytes: int
    max_request_bytes: int
    max_files: int


@attrs.define
class _ReceivedFile:
    name: str
    spool: IO[bytes]
    size: int = 0


class UploadBatch:
    """The files of one request as they arrive; every limit is checked on every chunk."""

    def __init__(self, limits: UploadLimits) -> None:
        self._limits = limits
        self.files: list[_ReceivedFile] = []
        self.total = 0
        self._open: _ReceivedFile | None = None

    def begin_file(self, name: str) -> None:
        if len(self.files) >= self._limits.max_files:
            raise LimitExceeded(
                f"more than {self._limits.max_files} files in one request",
                limit="KIRBYGEN_MAX_FILES_PER_REQUEST",
                value=self._limits.max_files,
                code="too_many_files",
            )
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
        self._open = _ReceivedFile(name=normalise_name(name), spool=spool)
        self.files.append(self._open)

    def write(self, chunk: bytes) -> None:
        current = self._open
        if current is None:
            raise InvalidInput("file data outside a file part", code="malformed_multipart")
        current.size += len(chunk)
        self.total += len(chunk)
        if current.size > self._limits.max_file_bytes:
            raise LimitExceeded(
                f"{current.name} is larger than {self._limits.max_file_bytes} bytes",
                limit="KIRBYGEN_MAX_UPLOAD_BYTES",
                value=self._limits.max_file_bytes,
                code="file_too_large",
            )
        if self.total > self._limits.max_request_bytes:
            raise self._request_too_large()
        current.spool.write(chunk)

    def count_field_bytes(self, size: int) -> None:
        """Bytes of a non-file field: they count towards the request's total."""
        self.total += size
        if self.total > self._limits.max_request_bytes:
            raise self._request_too_large()

    def end_file(self) -> None:
        self._open = None

    def _request_too_large(self) -> LimitExceeded:
        return LimitExceeded(
            f"this request's body is larger than {self._limits.max_request_bytes} bytes",
            limit="KIRBYGEN_MAX_REQUEST_BYTES",
            value=self._limits.max_request_bytes,
            code="request_too_large",
        )

    def discard(self) -> None:
        for received in self.files:
            received.spool.close()
        self.files = []


class UploadService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        storage: Storage,
        access: ProjectAccess,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._repository = repository
        self._storage = storage
        self._access = access
        self._clock = clock
        self._ids = ids

    def require_upload_access(self, project_id: str, user_id: str) -> None:
        """Checked before a single byte of the body is read."""
        self._access.require(project_id, user_id, Role.EDITOR)

    def commit(
        self, project_id: str, user_id: str, batch: UploadBatch, kind: UploadKind
    ) -> list[Upload]:
        """Store every file of a fully received batch, or none of them."""
        try:
            return self._store_all(project_id, user_id, batch, kind)
        finally:
            batch.discard()

    def _store_all(
        self, project_id: str, user_id: str, batch: UploadBatch, kind: UploadKind
    ) -> list[Upload]:
        self._access.require(project_id, user_id, Role.EDITOR)
        if not batch.files:
            raise Unprocessable("the request holds no file part", code="no_files")
        types = [detect_media_type(f.spool, f.name) for f in batch.files]
        stored: list[Upload] = []
        try:
            for received, media_type in zip(batch.files, types, strict=True):
                upload_id = self._ids.new_id()
                key = keys.upload_key(project_id, upload_id)
                received.spool.seek(0)
                obj = self._storage.put(key, received.spool)  # type: ignore[arg-type]
                upload = Upload(
                    id=upload_id,
                    project_id=project_id,
                    kind=kind,
                    original_name=received.name,
                    stored_key=key,
                    media_type=media_type,
                    size=obj.size,
                    sha256=obj.sha256,
                    created=self._clock.now(),
                )
                # The repository settles the name atomically: two uploads of ``a.md`` become
                # ``a.md`` and ``a-2.md`` even when they arrive at the same moment.
                upload = self._repository.add_upload(upload)
                stored.append(upload)
        except BaseException:
            # All or nothing: take back what this request already stored.
            for upload in stored:
                self._repository.delete_upload(upload.id)
                self._storage.delete(upload.stored_key)
            raise
        return stored

    def list_uploads(self, project_id: str, user_id: str) -> list[Upload]:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self._repository.list_uploads(project_id)

    def get(self, project_id: str, user_id: str, upload_id: str) -> Upload:
        self._access.require(project_id, user_id, Role.VIEWER)
        upload = self._repository.get_upload(upload_id)
        if upload is None or upload.project_id != project_id:
            raise NotFound(f"no upload {upload_id!r} in this project", code="upload_not_found")
        return upload

    def read(self, project_id: str, user_id: str, upload_id: str) -> tuple[Upload, bytes]:
        upload = self.get(project_id, user_id, upload_id)
        return upload, self._storage.get(upload.stored_key)

    def download(
        self, project_id: str, user_id: str, upload_id: str, *, redirect: bool
    ) -> tuple[Upload, Download]:
        """The upload's bytes as stored, streamed or as a presigned URL."""
        upload = self.get(project_id, user_id, upload_id)
        download = open_download(
            self._storage,
            upload.stored_key,
            name=f"upload-{upload.id}",
            media_type=upload.media_type,
            redirect=redirect,
        )
        return upload, download

    def delete(self, project_id: str, user_id: str, upload_id: str) -> None:
        self._access.require(project_id, user_id, Role.EDITOR)
        upload = self.get(project_id, user_id, upload_id)
        self._repository.delete_upload(upload.id)
        self._storage.delete(upload.stored_key)
