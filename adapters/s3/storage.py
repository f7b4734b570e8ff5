"""``Storage`` on an S3-compatible bucket through boto3.

Objects are private (no ACL is ever granted); downloads go through the API as a stream or
through short-lived presigned GET URLs. Uploads are streamed: boto3's transfer manager reads
the source in ``multipart_chunk_bytes`` parts and switches to a multipart upload past
``multipart_threshold_bytes``, so a large file is never held whole in memory.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import attrs
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from adapters.local.paths import validate_key, validate_prefix
from domain.errors import NotFound
from domain.ports import StoredObject

# DeleteObjects takes at most this many keys per request (an S3 rule).
_DELETE_BATCH = 1000
_MISSING = ("NoSuchKey", "404", "NotFound")
# Parts uploaded at once: memory use is about this times the part size.
_UPLOAD_CONCURRENCY = 2


@attrs.frozen
class S3Options:
    bucket: str
    region: str
    access_key_id: str
    secret_access_key: str
    endpoint: str = ""  # empty: AWS S3
    path_style: bool = False
    presign_seconds: int = 300
    multipart_threshold_bytes: int = 8 * 1024 * 1024
    multipart_chunk_bytes: int = 8 * 1024 * 1024
    connect_timeout_seconds: int = 5
    read_timeout_seconds: int = 60


def make_client(options: S3Options) -> Any:
    """A boto3 S3 client using only the given credentials (never ~/.aws or the instance's)."""
    session = boto3.session.Session(
        aws_access_key_id=options.access_key_id,
        aws_secret_access_key=options.secret_access_key,
        region_name=options.region,
    )
    config = Config(
        s3={"addressing_style": "path" if options.path_style else "virtual"},
        signature_version="s3v4",
        connect_timeout=options.connect_timeout_seconds,
        read_timeout=options.read_timeout_seconds,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return session.client("s3", endpoint_url=options.endpoint or None, config=config)


class _HashingReader(io.RawIOBase):
    """Counts and hashes what boto3 reads from the source stream, in order.

    Not seekable on purpose: boto3 then reads the source sequentially, one part at a time,
    instead of seeking around it, so the digest is that of the bytes sent."""

    def __init__(self, source: BinaryIO | io.BytesIO) -> None:
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        chunk = self._source.read(-1 if size is None else size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class _Body(io.RawIOBase):
    """A GetObject body as a readable stream (closing it releases the connection)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data: bytes = self._body.read(None if size is None or size < 0 else size)
        return data

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class S3Storage:
    """``Storage`` on one bucket; key ``a/b.json`` is the object ``a/b.json``."""

    def __init__(self, options: S3Options, *, client: Any = None) -> None:
        self._options = options
        self._bucket = options.bucket
        self._client = client if client is not None else make_client(options)
        self._transfer = TransferConfig(
            multipart_threshold=options.multipart_threshold_bytes,
            multipart_chunksize=options.multipart_chunk_bytes,
            max_concurrency=_UPLOAD_CONCURRENCY,
            max_io_queue=_UPLOAD_CONCURRENCY,
        )
        # s3transfer reads up to 10 parts of a non-seekable stream ahead by default (80 MiB
        # at 8 MiB a part); keep as many in memory as are being sent.
        self._transfer.max_in_memory_upload_chunks = _UPLOAD_CONCURRENCY

    @property
    def bucket(self) -> str:
        return self._bucket

    def put(self, key: str, data: bytes | BinaryIO) -> StoredObject:
        validate_key(key)
        source: BinaryIO | io.BytesIO
        if isinstance(data, bytes | bytearray | memoryview):
            source = io.BytesIO(bytes(data))
        else:
            source = data
        reader = _HashingReader(source)
        self._client.upload_fileobj(reader, self._bucket, key, Config=self._transfer)
        return StoredObject(key=key, size=reader.size, sha256=reader.digest.hexdigest())

    def get(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def open(self, key: str) -> BinaryIO:
        validate_key(key)
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"no stored object under key {key!r}") from None
            raise
        return io.BufferedReader(_Body(response["Body"]), buffer_size=1024 * 1024)

    def presigned_url(self, key: str, *, download_name: str, media_type: str) -> str | None:
        validate_key(key)
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{download_name}"',
                "ResponseContentType": media_type,
            },
            ExpiresIn=self._options.presign_seconds,
        )
        return url

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        validate_key(key)
        self._client.delete_object(Bucket=self._bucket, Key=key)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            response = self._client.delete_objects(
                Bucket=self._bucket,
                Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
            )
            errors = response.get("Errors") or []
            if errors:
                first = errors[0]
                raise OSError(
                    f"S3 refused to delete {len(errors)} object(s), e.g. "
                    f"{first.get('Key')!r}: {first.get('Code')} {first.get('Message')}"
                )
        return len(keys)

    def list(self, prefix: str) -> list[str]:
        validate_prefix(prefix)
        return sorted(self._keys(prefix))

    def _keys(self, prefix: str) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=prefix):
            for item in page.get("Contents") or ():
                yield item["Key"]

    def close(self) -> None:
        self._client.close()

    def check(self) -> None:
        """Readiness: the bucket answers with our credentials."""
        self._client.head_bucket(Bucket=self._bucket)


def _missing(exc: ClientError) -> bool:
    error = exc.response.get("Error") or {}
    return str(error.get("Code")) in _MISSING


class S3BucketProbe:
    """Readiness probe: the bucket exists and answers to our credentials."""

    name = "storage"

    def __init__(self, storage: S3Storage) -> None:
        self._storage = storage

    def check(self) -> None:
        self._storage.check()
