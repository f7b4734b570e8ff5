"""What only the filesystem site writer has to get right: its manifest, folders, symlinks."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from adapters.local.site_output import MANIFEST_PATH, LocalSiteOutput
from domain.site import SiteFile


def write(root: Path, *paths: str) -> None:
    LocalSiteOutput().write(root, [SiteFile(path, path.encode()) for path in paths])


def test_the_manifest_lists_generated_files_sorted(tmp_path: Path) -> None:
    write(tmp_path, "b", "a/c", "a/b")
    manifest = json.loads((tmp_path / MANIFEST_PATH).read_text())
    assert manifest == {"files": ["a/b", "a/c", "b"], "version": 1}


def test_the_manifest_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    write(tmp_path, "a", "b")
    manifest = tmp_path / MANIFEST_PATH
    before = manifest.stat().st_mtime_ns
    manifest_inode = manifest.stat().st_ino
    write(tmp_path, "b", "a")
    assert manifest.stat().st_ino == manifest_inode
    assert manifest.stat().st_mtime_ns == before
    write(tmp_path, "a")
    assert json.loads(manifest.read_text())["files"] == ["a"]


def test_emptied_folders_are_removed_but_folders_with_own_files_stay(tmp_path: Path) -> None:
    write(tmp_path, "x/y/z", "p/q")
    (tmp_path / "p" / "mine.txt").write_text("by hand")
    write(tmp_path, "keep")
    assert not (tmp_path / "x").exists()
    assert (tmp_path / "p" / "mine.txt").exists()
    assert not (tmp_path / "p" / "q").exists()


def test_no_temporary_files_are_left_in_the_site(tmp_path: Path) -> None:
    write(tmp_path, "a/b", "c")
    leftovers = [
        p for p in tmp_path.rglob("*") if p.is_file() and p.name not in ("b", "c", "manifest.json")
    ]
    assert leftovers == []


def test_a_damaged_manifest_removes_nothing(tmp_path: Path) -> None:
    write(tmp_path, "old")
    (tmp_path / MANIFEST_PATH).write_text("{not json")
    summary = LocalSiteOutput().write(tmp_path, [SiteFile("new", b"n")])
    assert summary.removed == ()
    assert (tmp_path / "old").exists()


def test_a_manifest_entry_outside_the_root_is_ignored(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    root = tmp_path / "site"
    write(root, "a")
    (root / MANIFEST_PATH).write_text(json.dumps({"files": ["a", "../outside.txt"], "version": 1}))
    LocalSiteOutput().write(root, [])
    assert outside.read_text() == "precious"
    assert not (root / "a").exists()


def test_a_symlinked_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "site"
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="outside"):
        LocalSiteOutput().write(root, [SiteFile("link/evil.txt", b"x")])
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_files_and_folders_get_normal_permissions_under_the_umask(
    tmp_path: Path, umask: int, file_mode: int, folder_mode: int
) -> None:
    """A web server running as another user reads the site; the umask still has its say."""
    previous = os.umask(umask)
    try:
        write(tmp_path / "site", "content/home/home.txt", "index.php")
    finally:
        os.umask(previous)
    site = tmp_path / "site"
    assert stat.S_IMODE((site / "index.php").stat().st_mode) == file_mode
    assert stat.S_IMODE((site / "content/home/home.txt").stat().st_mode) == file_mode
    assert stat.S_IMODE((site / "content/home").stat().st_mode) == folder_mode
