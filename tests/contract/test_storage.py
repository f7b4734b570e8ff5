"""Contract of the ``Storage`` port, run against every implementation."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.local.storage import LocalStorage
from adapters.s3.storage import S3Options, S3Storage
from domain.errors import NotFound
from domain.ports import Storage
from tests.fakes import FakeStorage


@pytest.fixture(params=["fake", "local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "fake":
        yield FakeStorage()
        return
    if request.param == "s3":
        options: S3Options = request.getfixturevalue("s3_bucket")
        s3 = S3Storage(options)
        yield s3
        s3.close()
        return
    # A tiny chunk size makes every test exercise the chunked, streaming write.
    yield LocalStorage(tmp_path / "store", chunk_size=7)


def test_put_bytes_returns_size_and_sha256(storage: Storage) -> None:
    data = b"hello, kirby"
    stored = storage.put("projects/p1/uploads/u1", data)
    assert stored.key == "projects/p1/uploads/u1"
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert storage.get("projects/p1/uploads/u1") == data


def test_put_stream_stores_every_byte(storage: Storage) -> None:
    data = bytes(range(256)) * 4097  # ~1 MiB, not a multiple of any chunk size
    stored = storage.put("big/blob.bin", io.BytesIO(data))
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert storage.get("big/blob.bin") == data


def test_open_streams_the_bytes_in_chunks(storage: Storage) -> None:
    data = bytes(range(256)) * 1000 + b"tail"
    storage.put("stream/me", io.BytesIO(data))
    with storage.open("stream/me") as stream:
        parts = []
        while chunk := stream.read(10_000):
            assert len(chunk) <= 10_000
            parts.append(chunk)
    assert b"".join(parts) == data
    assert len(parts) > 1


def test_open_missing_raises_not_found(storage: Storage) -> None:
    with pytest.raises(NotFound):
        storage.open("missing/key")


def test_empty_object(storage: Storage) -> None:
    stored = storage.put("empty", b"")
    assert stored.size == 0
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert storage.get("empty") == b""
    assert storage.exists("empty")


def test_put_overwrites(storage: Storage) -> None:
    storage.put("a/b.json", b"one")
    storage.put("a/b.json", b"two")
    assert storage.get("a/b.json") == b"two"
    assert storage.list("a/") == ["a/b.json"]


def test_get_missing_raises_not_found(storage: Storage) -> None:
    with pytest.raises(NotFound):
        storage.get("missing/key")


def test_a_folder_like_prefix_is_not_an_object(storage: Storage) -> None:
    storage.put("a/b/c", b"x")
    assert not storage.exists("a/b")
    with pytest.raises(NotFound):
        storage.get("a/b")


def test_exists_and_delete(storage: Storage) -> None:
    storage.put("k", b"v")
    assert storage.exists("k")
    storage.delete("k")
    assert not storage.exists("k")
    storage.delete("k")  # deleting what is gone is fine
    with pytest.raises(NotFound):
        storage.get("k")


def test_list_is_sorted_and_uses_plain_string_prefixes(storage: Storage) -> None:
    for key in ["p1/b", "p1/a/x", "p10/z", "p2/y", "p1/a/w"]:
        storage.put(key, key.encode())
    assert storage.list("p1/") == ["p1/a/w", "p1/a/x", "p1/b"]
    assert storage.list("p1") == ["p1/a/w", "p1/a/x", "p1/b", "p10/z"]
    assert storage.list("p1/a") == ["p1/a/w", "p1/a/x"]
    assert storage.list("") == ["p1/a/w", "p1/a/x", "p1/b", "p10/z", "p2/y"]
    assert storage.list("nothing/") == []


def test_delete_prefix_counts_and_keeps_the_rest(storage: Storage) -> None:
    for key in ["run/1/a", "run/1/b/c", "run/10/d", "other"]:
        storage.put(key, b"x")
    assert storage.delete_prefix("run/1/") == 2
    assert storage.list("") == ["other", "run/10/d"]
    assert storage.delete_prefix("run/1/") == 0


def test_deleted_keys_can_be_written_again(storage: Storage) -> None:
    storage.put("a/b/c", b"1")
    storage.delete_prefix("a/")
    storage.put("a/b/c", b"2")
    assert storage.get("a/b/c") == b"2"


BAD_KEYS = [
    "",
    "/abs/key",
    "../escape",
    "a/../../escape",
    "a/./b",
    "a//b",
    "trailing/",
    "back\\slash",
    "nul\x00byte",
    "new\nline",
    "tab\tchar",
    "del\x7fchar",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsafe_keys_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.put(key, b"x")
    with pytest.raises(ValueError):
        storage.get(key)
    with pytest.raises(ValueError):
        storage.exists(key)
    with pytest.raises(ValueError):
        storage.delete(key)
    with pytest.raises(ValueError):
        storage.open(key)


@pytest.mark.parametrize("prefix", ["/abs", "../up", "a/../b/", "a\\b", "a\x00"])
def test_unsafe_prefixes_are_refused(storage: Storage, prefix: str) -> None:
    with pytest.raises(ValueError):
        storage.list(prefix)
    with pytest.raises(ValueError):
        storage.delete_prefix(prefix)


def test_unicode_keys_round_trip(storage: Storage) -> None:
    storage.put("projets/été/ñ.txt", "données".encode())
    assert storage.list("projets/") == ["projets/été/ñ.txt"]
    assert storage.get("projets/été/ñ.txt") == "données".encode()
