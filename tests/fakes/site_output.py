"""A site output that keeps files in memory with the local writer's rules."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from adapters.local.site_output import unique_site_paths
from domain.ports import WriteProgress
from domain.site import SiteFile, WriteSummary


class FakeSiteOutput:
    """``SiteOutput`` and ``SiteReader`` in memory.

    ``sites[root]`` holds every file present under ``root`` (generated or added with
    ``add_foreign_file``); ``generated[root]`` the paths the last write produced; ``writes``
    each (root, path) actually written, so tests can see that unchanged files were left alone.
    """

    def __init__(self) -> None:
        self.sites: dict[Path, dict[str, bytes]] = {}
        self.generated: dict[Path, set[str]] = {}
        self.writes: list[tuple[Path, str]] = []

    def write(
        self, root: Path, files: Sequence[SiteFile], progress: WriteProgress | None = None
    ) -> WriteSummary:
        wanted = unique_site_paths(files)
        present = self.sites.setdefault(root, {})
        previous = self.generated.get(root, set())

        removed: list[str] = []
        for path in sorted(previous - wanted.keys()):
            if present.pop(path, None) is not None:
                removed.append(path)

        written: list[str] = []
        unchanged: list[str] = []
        for done, path in enumerate(sorted(wanted), start=1):
            if present.get(path) == wanted[path]:
                unchanged.append(path)
            else:
                present[path] = wanted[path]
                self.writes.append((root, path))
                written.append(path)
            if progress is not None:
                progress(done, len(wanted))

        self.generated[root] = set(wanted)
        return WriteSummary(
            written=tuple(written), unchanged=tuple(unchanged), removed=tuple(removed)
        )

    def replace_file(self, root: Path, file: SiteFile) -> None:
        unique_site_paths([file])
        present = self.sites.setdefault(root, {})
        if present.get(file.path) != file.data:
            present[file.path] = file.data
            self.writes.append((root, file.path))

    def add_foreign_file(self, root: Path, path: str, data: bytes) -> None:
        """A file a person put into the site by hand (never generated)."""
        self.sites.setdefault(root, {})[path] = data

    def read(self, root: Path, path: str) -> bytes | None:
        return self.sites.get(root, {}).get(path)

    def read_many(self, root: Path, paths: Sequence[str]) -> dict[str, bytes | None]:
        return {path: self.read(root, path) for path in paths}

    def list_paths(self, root: Path, prefix: str) -> list[str]:
        folder = prefix.rstrip("/") + "/"
        return sorted(p for p in self.sites.get(root, {}) if p.startswith(folder))

    def delete_file(self, root: Path, path: str) -> None:
        """A file a person deleted by hand."""
        self.sites.get(root, {}).pop(path, None)

    def files(self, root: Path) -> dict[str, bytes]:
        return dict(self.sites.get(root, {}))
