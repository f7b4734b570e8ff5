"""What only the filesystem store has to get right: atomic writes and a tidy directory."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.local.storage import LocalStorage


class ExplodingStream(io.BytesIO):
    """Fails after the first chunk, like a client that disconnects mid-upload."""

    def __init__(self) -> None:
        super().__init__(b"x" * 100)
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        if self.reads > 1:
            raise ConnectionResetError("client went away")
        return super().read(size)


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_keys_map_to_files_under_the_root(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.put("a/b/c.json", b"{}")
    assert (tmp_path / "a" / "b" / "c.json").read_bytes() == b"{}"


def test_a_failed_stream_leaves_the_previous_object_and_no_temp_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, chunk_size=10)
    storage.put("obj", b"previous")
    with pytest.raises(ConnectionResetError):
        storage.put("obj", ExplodingStream())
    assert storage.get("obj") == b"previous"
    assert files_under(tmp_path) == ["obj"]
    assert storage.list("") == ["obj"]


def test_delete_removes_emptied_folders_but_not_the_root(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "root")
    storage.put("a/b/c", b"x")
    storage.put("a/d", b"y")
    storage.delete("a/b/c")
    assert not (tmp_path / "root" / "a" / "b").exists()
    assert (tmp_path / "root" / "a" / "d").exists()
    storage.delete("a/d")
    assert not (tmp_path / "root" / "a").exists()
    assert (tmp_path / "root").is_dir()


def test_the_temporary_folder_is_reserved(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(ValueError, match="reserved"):
        storage.put(".incoming/x", b"x")


def test_listing_a_missing_root_is_empty(tmp_path: Path) -> None:
    assert LocalStorage(tmp_path / "never-created").list("") == []


def test_chunk_size_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        LocalStorage(tmp_path, chunk_size=0)
