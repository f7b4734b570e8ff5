"""Contract of the ``SiteOutput`` port: only changed files are written, stale generated files
are removed, files a person added are never touched."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import pytest

from adapters.local.site_output import LocalSiteOutput
from domain.ports import SiteOutput
from domain.site import SiteFile
from tests.fakes import FakeSiteOutput


class SiteHarness(Protocol):
    @property
    def output(self) -> SiteOutput: ...

    def read(self, root: Path, path: str) -> bytes | None: ...
    def add_foreign(self, root: Path, path: str, data: bytes) -> None: ...
    def mark(self, root: Path) -> None:
        """Start watching: ``rewritten`` reports files written after this call."""
        ...

    def rewritten(self, root: Path) -> set[str]: ...


class LocalHarness:
    # Files are given this old mtime by ``mark``; a rewrite gives them the current time.
    MARK_NS = 1_000_000_000 * 10**9

    def __init__(self) -> None:
        self.output = LocalSiteOutput()

    def read(self, root: Path, path: str) -> bytes | None:
        target = root / path
        return target.read_bytes() if target.is_file() else None

    def add_foreign(self, root: Path, path: str, data: bytes) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def _site_files(self, root: Path) -> list[Path]:
        return [p for p in root.rglob("*") if p.is_file() and ".kirbygen" not in p.parts]

    def mark(self, root: Path) -> None:
        for path in self._site_files(root):
            os.utime(path, ns=(self.MARK_NS, self.MARK_NS))

    def rewritten(self, root: Path) -> set[str]:
        return {
            p.relative_to(root).as_posix()
            for p in self._site_files(root)
            if p.stat().st_mtime_ns != self.MARK_NS
        }


class FakeHarness:
    def __init__(self) -> None:
        self.output = FakeSiteOutput()
        self._marks: dict[Path, int] = {}

    def read(self, root: Path, path: str) -> bytes | None:
        return self.output.read(root, path)

    def add_foreign(self, root: Path, path: str, data: bytes) -> None:
        self.output.add_foreign_file(root, path, data)

    def mark(self, root: Path) -> None:
        self._marks[root] = len(self.output.writes)

    def rewritten(self, root: Path) -> set[str]:
        since = self.output.writes[self._marks.get(root, 0) :]
        return {path for written_root, path in since if written_root == root}


@pytest.fixture(params=["fake", "local"])
def site(request: pytest.FixtureRequest) -> SiteHarness:
    harness: SiteHarness = FakeHarness() if request.param == "fake" else LocalHarness()
    return harness


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "site"


def files(contents: dict[str, str]) -> list[SiteFile]:
    return [SiteFile(path=path, data=text.encode()) for path, text in contents.items()]


def test_first_write_creates_every_file(site: SiteHarness, root: Path) -> None:
    summary = site.output.write(
        root, files({"index.php": "<?php", "content/home/home.txt": "Title: Hi"})
    )
    assert summary.written == ("content/home/home.txt", "index.php")
    assert summary.unchanged == ()
    assert summary.removed == ()
    assert site.read(root, "content/home/home.txt") == b"Title: Hi"
    assert site.read(root, "index.php") == b"<?php"


def test_unchanged_files_are_not_rewritten(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"a": "1", "b/c": "2", "d": "3"}))
    site.mark(root)
    summary = site.output.write(root, files({"a": "1", "b/c": "two", "d": "3"}))
    assert summary.written == ("b/c",)
    assert summary.unchanged == ("a", "d")
    assert site.rewritten(root) == {"b/c"}
    assert site.read(root, "b/c") == b"two"


def test_writing_the_same_site_twice_touches_nothing(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"a": "1", "b/c": "2"}))
    site.mark(root)
    summary = site.output.write(root, files({"b/c": "2", "a": "1"}))
    assert summary.written == ()
    assert summary.unchanged == ("a", "b/c")
    assert site.rewritten(root) == set()


def test_files_no_longer_generated_are_removed(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"keep": "k", "old/page/x": "x", "old/page/y": "y"}))
    summary = site.output.write(root, files({"keep": "k", "old/page/y": "y"}))
    assert summary.removed == ("old/page/x",)
    assert site.read(root, "old/page/x") is None
    assert site.read(root, "old/page/y") == b"y"


def test_files_added_by_hand_are_never_touched(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"a": "1"}))
    site.add_foreign(root, "notes/mine.txt", b"by hand")
    site.mark(root)
    summary = site.output.write(root, files({"b": "2"}))
    assert summary.removed == ("a",)
    assert site.read(root, "notes/mine.txt") == b"by hand"
    assert "notes/mine.txt" not in site.rewritten(root)


def test_a_file_can_become_a_folder(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"page": "flat"}))
    summary = site.output.write(root, files({"page/index": "nested"}))
    assert summary.removed == ("page",)
    assert site.read(root, "page/index") == b"nested"


def test_roots_are_independent(site: SiteHarness, tmp_path: Path) -> None:
    site.output.write(tmp_path / "one", files({"a": "1"}))
    summary = site.output.write(tmp_path / "two", files({"b": "2"}))
    assert summary.removed == ()
    assert site.read(tmp_path / "one", "a") == b"1"


@pytest.mark.parametrize(
    "path",
    [
        "../escape",
        "/abs",
        "a/../../b",
        "a\\b",
        "",
        "a//b",
        ".kirbygen/manifest.json",
        ".kirbygen/cache/x",
    ],
)
def test_paths_escaping_the_root_are_refused(site: SiteHarness, root: Path, path: str) -> None:
    with pytest.raises(ValueError):
        site.output.write(root, [SiteFile(path=path, data=b"x")])


def test_a_path_given_twice_is_refused(site: SiteHarness, root: Path) -> None:
    with pytest.raises(ValueError, match="twice"):
        site.output.write(root, [SiteFile("a", b"1"), SiteFile("a", b"2")])


def test_progress_is_told_of_every_file_in_order(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"a": "1"}))
    told: list[tuple[int, int]] = []
    site.output.write(
        root,
        files({"a": "1", "b/c": "2", "d": "3"}),
        lambda done, total: told.append((done, total)),
    )
    assert told == [(1, 3), (2, 3), (3, 3)]


def test_a_record_of_the_run_is_written_beside_the_site_files(
    site: SiteHarness, root: Path
) -> None:
    site.output.write(root, files({"a": "1"}))
    site.output.replace_file(root, SiteFile(".kirbygen/report.json", b"first"))
    assert site.read(root, ".kirbygen/report.json") == b"first"
    site.output.replace_file(root, SiteFile(".kirbygen/report.json", b"second"))
    assert site.read(root, ".kirbygen/report.json") == b"second"
    # Not one of the generated files: the next write neither lists nor removes it.
    summary = site.output.write(root, files({"a": "1"}))
    assert summary.removed == ()
    assert site.read(root, ".kirbygen/report.json") == b"second"
    with pytest.raises(ValueError):
        site.output.replace_file(root, SiteFile("../outside", b"x"))


def test_many_files_are_read_at_once_absent_ones_as_none(site: SiteHarness, root: Path) -> None:
    site.output.write(root, files({"a": "1", "b/c": "2"}))
    site.add_foreign(root, "b/mine.txt", b"by hand")
    reader = site.output
    assert isinstance(reader, LocalSiteOutput | FakeSiteOutput)
    found = reader.read_many(root, ["a", "b/c", "b/mine.txt", "b/gone", "x/y"])
    assert found == {"a": b"1", "b/c": b"2", "b/mine.txt": b"by hand", "b/gone": None, "x/y": None}
