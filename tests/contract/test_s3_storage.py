"""What only the S3 store has to get right: multipart uploads, private objects, presigned
downloads and credentials from our settings only. Runs on moto's S3 server."""

from __future__ import annotations

import hashlib
import io
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from adapters.s3 import storage as storage_module
from adapters.s3.storage import S3Options, S3Storage, make_client

MIB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A source stream that records the largest read asked of it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        chunk = self._data.read(-1 if size is None else size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


@pytest.fixture(autouse=True)
def closing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every client a test makes is closed after it (an open socket would be reported)."""
    made: list[Any] = []

    def tracked_client(options: S3Options) -> Any:
        client = storage_module.make_client(options)
        made.append(client)
        return client

    monkeypatch.setattr(sys.modules[__name__], "make_client", tracked_client)
    original_init = S3Storage.__init__

    def tracked_init(self: S3Storage, options: S3Options, **kwargs: Any) -> None:
        original_init(self, options, **kwargs)
        made.append(self)

    monkeypatch.setattr(S3Storage, "__init__", tracked_init)
    yield
    for thing in made:
        thing.close()


def small_parts(options: S3Options) -> S3Options:
    return attrs.evolve(options, multipart_threshold_bytes=5 * MIB, multipart_chunk_bytes=5 * MIB)


def test_a_large_stream_goes_up_in_parts_and_is_stored_byte_for_byte(
    s3_bucket: S3Options,
) -> None:
    options = small_parts(s3_bucket)
    storage = S3Storage(options)
    data = bytes(range(256)) * (12 * MIB // 256) + b"end"
    source = CountingStream(data)
    stored = storage.put("projects/p/uploads/big", source)  # type: ignore[arg-type]
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    # Never read whole: boto3 asked for one part at a time.
    assert source.largest_read <= options.multipart_chunk_bytes
    head = make_client(options).head_object(Bucket=options.bucket, Key="projects/p/uploads/big")
    assert head["ETag"].strip('"').endswith("-3")  # a multipart upload of three parts
    assert storage.get("projects/p/uploads/big") == data


def test_objects_are_private(s3_bucket: S3Options) -> None:
    storage = S3Storage(s3_bucket)
    storage.put("secret/file", b"private bytes")
    acl = make_client(s3_bucket).get_object_acl(Bucket=s3_bucket.bucket, Key="secret/file")
    grantees = [g["Grantee"].get("URI", "") for g in acl["Grants"]]
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]


def test_a_presigned_url_downloads_the_object_as_an_attachment(s3_bucket: S3Options) -> None:
    storage = S3Storage(s3_bucket)
    data = bytes(range(256)) * 10
    storage.put("projects/p/outputs/site.zip", data)
    url = storage.presigned_url(
        "projects/p/outputs/site.zip", download_name="site.zip", media_type="application/zip"
    )
    assert url is not None
    assert "X-Amz-Expires=300" in url
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == data
        assert response.headers["Content-Disposition"] == 'attachment; filename="site.zip"'
        assert response.headers["Content-Type"] == "application/zip"


def test_the_presign_expiry_is_the_setting(s3_bucket: S3Options) -> None:
    options = attrs.evolve(s3_bucket, presign_seconds=42)
    url = S3Storage(options).presigned_url("k", download_name="k", media_type="text/plain")
    assert url is not None and "X-Amz-Expires=42" in url


def test_path_style_and_virtual_host_addressing(s3_bucket: S3Options) -> None:
    path_url = S3Storage(s3_bucket).presigned_url("k", download_name="k", media_type="a/b")
    assert path_url is not None
    assert path_url.startswith(f"{s3_bucket.endpoint}/{s3_bucket.bucket}/k?")
    virtual = S3Options(
        bucket=s3_bucket.bucket,
        region="eu-west-1",
        access_key_id="id",
        secret_access_key="secret",
        endpoint="https://objects.example.com",
        path_style=False,
    )
    url = S3Storage(virtual).presigned_url("k", download_name="k", media_type="a/b")
    assert url is not None
    assert url.startswith(f"https://{s3_bucket.bucket}.objects.example.com/k?")


def test_credentials_come_from_the_settings_only(
    s3_bucket: S3Options, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-the-environment")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-the-environment")
    client = make_client(s3_bucket)
    credentials = client._request_signer._credentials
    assert credentials.access_key == s3_bucket.access_key_id
    assert credentials.secret_key == s3_bucket.secret_access_key


def test_an_unreachable_endpoint_fails_the_readiness_check() -> None:
    options = S3Options(
        bucket="b",
        region="us-east-1",
        access_key_id="id",
        secret_access_key="secret",
        endpoint="http://127.0.0.1:9",
        path_style=True,
        connect_timeout_seconds=1,
    )
    with pytest.raises(Exception, match=r"127\.0\.0\.1"):
        S3Storage(options).check()


def test_the_readiness_check_passes_on_a_reachable_bucket(s3_bucket: S3Options) -> None:
    S3Storage(s3_bucket).check()


def test_an_anonymous_request_is_refused(s3_bucket: S3Options) -> None:
    storage = S3Storage(s3_bucket)
    storage.put("secret/file", b"private bytes")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            f"{s3_bucket.endpoint}/{s3_bucket.bucket}/secret/file", timeout=10
        ).close()
    refused.value.close()
    assert refused.value.code == 403
