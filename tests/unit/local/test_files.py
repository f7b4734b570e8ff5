"""The durability barrier of the local writers."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.local import files


def test_the_barrier_syncs_the_folder_s_filesystem(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"data")
    files.durability_barrier(tmp_path)  # a real syncfs (or sync) that must succeed


def test_a_failed_barrier_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_SYNCFS", lambda fd: -1)
    with pytest.raises(OSError, match="syncfs failed"):
        files.durability_barrier(tmp_path)


def test_without_syncfs_every_filesystem_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []
    monkeypatch.setattr(files, "_SYNCFS", None)
    monkeypatch.setattr(files.os, "sync", lambda: synced.append(True))
    files.durability_barrier(tmp_path)
    assert synced == [True]


def test_a_barrier_on_a_missing_folder_fails(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        files.durability_barrier(tmp_path / "gone")
