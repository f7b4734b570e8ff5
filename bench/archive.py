"""Peak memory of `kirbygen export` and `kirbygen import` on a project holding one large
upload, against the upload's own size, measured in one run.

Usage:  .venv/bin/python bench/archive.py [--mib N]

The project lives in SQLite with local storage and a git history; ProjectArchive exports it
to a file and imports that file into a fresh installation. The figure is the peak of Python
allocations (tracemalloc) during each step. Baselines measured in the same run: the upload's
size (what holding it whole once costs) and the peak of copying it with shutil.copyfileobj
(a plain streaming copy). Printed: each peak in MiB and as ratios of both baselines.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from adapters.git.cli import GitCli  # noqa: E402
from adapters.local.storage import LocalStorage  # noqa: E402
from adapters.sql.database import create_engine_for, upgrade  # noqa: E402
from adapters.sql.project_records import SqlProjectRecords  # noqa: E402
from adapters.sql.repository import SqlProjectRepository  # noqa: E402
from application.project_archive import ArchiveLimits, ProjectArchive  # noqa: E402
from application.version_store import StoredRepositories  # noqa: E402
from application.versions import SiteVersions, VersioningConfig  # noqa: E402
from domain.ports import GitIdentity  # noqa: E402
from domain.project import Project, ProjectStatus, Upload, UploadKind  # noqa: E402

MIB = 1024 * 1024
DEFAULT_MIB = 64
NOW = datetime(2025, 1, 1, tzinfo=UTC)
LIMITS = ArchiveLimits(
    max_member_bytes=4 << 30, max_total_bytes=8 << 30, max_members=1000, max_records_bytes=64 * MIB
)


class _Clock:
    def now(self) -> datetime:
        return NOW


def _archive(root: Path) -> ProjectArchive:
    url = f"sqlite:///{root / 'kirbygen.db'}"
    upgrade(url)
    engine = create_engine_for(url)
    storage = LocalStorage(root / "files")
    config = VersioningConfig(root / "sites", GitIdentity("K", "k@x"))
    versions = SiteVersions(GitCli(), config, StoredRepositories(storage, GitCli()))
    return ProjectArchive(
        records=SqlProjectRecords(engine),
        repository=SqlProjectRepository(engine),
        storage=storage,
        versions=versions,
        clock=_Clock(),
        version="bench",
        limits=LIMITS,
    )


def _peak(step: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=DEFAULT_MIB)
    size = parser.parse_args().mib * MIB
    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as folder:
        base = Path(folder)
        blob = base / "upload.bin"
        with blob.open("wb") as out:
            for _ in range(size // MIB):
                out.write(os.urandom(MIB))
        old_root = base / "old"
        old = _archive(old_root)
        repository = SqlProjectRepository(
            create_engine_for(f"sqlite:///{old_root / 'kirbygen.db'}")
        )
        repository.add_project(Project("p1", "Bench", "u1", ProjectStatus.DRAFT, NOW, NOW))
        storage = LocalStorage(old_root / "files")
        with blob.open("rb") as source:
            stored = storage.put("projects/p1/uploads/u1", source)
        repository.add_upload(
            Upload(
                "u1",
                "p1",
                UploadKind.CONTENT,
                "upload.bin",
                stored.key,
                "application/octet-stream",
                stored.size,
                stored.sha256,
                NOW,
            )
        )

        def copy() -> None:
            with blob.open("rb") as source, (base / "copy.bin").open("wb") as target:
                shutil.copyfileobj(source, target, MIB)

        def export() -> None:
            with (base / "p1.zip").open("wb") as out:
                old.export("p1", out)

        def import_() -> None:
            with (base / "p1.zip").open("rb") as source:
                _archive(base / "new").import_(source)

        copied, exported, imported = _peak(copy), _peak(export), _peak(import_)
    print(f"upload size          {size / MIB:8.1f} MiB")
    print(f"streaming copy peak  {copied / MIB:8.2f} MiB")
    for name, peak in (("export", exported), ("import", imported)):
        print(
            f"{name} peak          {peak / MIB:8.2f} MiB   {peak / size:6.3f}x the upload"
            f"   {peak / copied:6.2f}x the streaming copy"
        )


if __name__ == "__main__":
    main()
