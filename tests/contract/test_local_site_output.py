"""What only the filesystem site writer has to get right: its manifest, folders, symlinks."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from adapters.local import site_output
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


def test_a_write_is_made_durable_by_two_barriers_not_one_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    barriers: list[Path] = []
    monkeypatch.setattr(site_output, "durability_barrier", barriers.append)

    def no_fsync(fd: int) -> None:
        raise AssertionError("a file was synced on its own")

    monkeypatch.setattr(os, "fsync", no_fsync)
    paths = [f"content/{n}_page/page.txt" for n in range(50)]
    write(tmp_path, *paths)
    # The staged bytes, then the new names.
    assert barriers == [tmp_path, tmp_path]
    write(tmp_path, *paths)
    assert barriers == [tmp_path, tmp_path]  # nothing changed: nothing to make durable


def test_new_folders_move_into_place_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renames: list[str] = []
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        renames.append(Path(target).relative_to(tmp_path).as_posix())
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    write(tmp_path, "content/a/a.txt", "content/b/b.txt", "index.php")
    assert renames == ["content", "index.php", MANIFEST_PATH]
    renames.clear()
    LocalSiteOutput().write(
        tmp_path,
        [
            SiteFile("content/a/a.txt", b"changed"),
            SiteFile("content/b/b.txt", b"content/b/b.txt"),
            SiteFile("content/c/c.txt", b"new page"),
            SiteFile("index.php", b"index.php"),
        ],
    )
    # A changed file replaces its old self; a new page folder arrives with its files.
    assert renames == ["content/a/a.txt", "content/c", MANIFEST_PATH]
    assert (tmp_path / "content/c/c.txt").read_bytes() == b"new page"


def test_a_failed_write_changes_nothing_and_leaves_no_staged_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "site"
    write(root, "a")
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="outside"):
        LocalSiteOutput().write(root, [SiteFile("a", b"new"), SiteFile("link/evil.txt", b"x")])
    assert (root / "a").read_bytes() == b"a"
    assert list((root / ".kirbygen" / "incoming").iterdir()) == []


def test_reading_many_refuses_a_folder_that_leads_outside_and_skips_symlinks(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    root = tmp_path / "site"
    write(root, "a", "b/c")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "b" / "file-link").symlink_to(outside / "secret.txt")
    reader = LocalSiteOutput()
    assert reader.read_many(root, ["b/file-link", "b"]) == {"b/file-link": None, "b": None}
    with pytest.raises(ValueError, match="outside"):
        reader.read_many(root, ["a", "link/secret.txt"])
    with pytest.raises(ValueError):
        reader.read_many(root, ["../outside/secret.txt"])


def test_files_staged_by_a_write_that_died_are_cleared_by_the_next(tmp_path: Path) -> None:
    write(tmp_path, "a")
    incoming = tmp_path / ".kirbygen" / "incoming"
    dead = incoming / "write-999999999-abc"  # beyond any pid the system hands out
    (dead / "tree").mkdir(parents=True)
    (dead / "tree" / "half").write_bytes(b"staged")
    alive = incoming / f"write-{os.getpid()}-xyz"  # a write still under way
    alive.mkdir()
    write(tmp_path, "a", "b")
    assert not dead.exists()
    assert alive.exists()


def test_listing_a_folder_skips_symlinks_and_does_not_follow_them(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    root = tmp_path / "site"
    write(root, "base/a.txt", "base/b/c.txt", "other.txt")
    (root / "base" / "b" / "link").symlink_to(outside, target_is_directory=True)
    (root / "base" / "file-link.txt").symlink_to(outside / "secret.txt")
    reader = LocalSiteOutput()
    assert reader.list_paths(root, "base") == ["base/a.txt", "base/b/c.txt"]
    assert reader.list_paths(root, "base/b/link") == []
    assert reader.list_paths(root, "missing") == []
