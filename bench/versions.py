"""What keeping site histories in storage costs, on the example site, measured in one run.

Usage:  .venv/bin/python bench/versions.py [--rounds N]

The example material is generated once (offline skills). Each round commits it as a run, then
a changed copy as the next run. Baselines measured in the same run: committing with the
repository as its only copy (``LocalRepositories``, how versions were kept before), and
``git log`` of the history (what listing versions costs anyway). Printed: the kept bundle's
size against the site's, and each step's median time as a ratio of its baseline:

- record, kept in local-file storage (the laptop's storage: the bundle is a second copy);
- refresh of a copy that is current (the pointer is read, nothing downloaded);
- refresh of an empty copy (another machine: the bundle downloaded and restored).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from adapters.git.cli import GitCli  # noqa: E402
from adapters.local.storage import LocalStorage  # noqa: E402
from application.version_store import LocalRepositories, StoredRepositories  # noqa: E402
from application.versions import SiteVersions, VersioningConfig  # noqa: E402
from domain.ports import GitIdentity, VersionStore  # noqa: E402

ME = GitIdentity("K", "k@x")
PROJECT = "p-1"


def _seconds(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _generate(out: Path) -> None:
    subprocess.run(
        [str(ROOT / ".venv/bin/kirbygen"), "generate", str(ROOT / "examples/material"),
         "--out", str(out), "--skills", "offline"],
        check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "KIRBYGEN_DATA_DIR": str(out.parent / "data")},
    )  # fmt: skip


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    git = GitCli()
    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as folder:
        work = Path(folder)
        site = work / "site"
        _generate(site)
        changed = work / "changed"
        shutil.copytree(site, changed)
        (changed / "content" / "bench.txt").write_text("Title: Changed\n")
        timings: dict[str, list[float]] = {k: [] for k in ("local", "kept", "log", "fresh", "cold")}
        bundle_bytes = 0
        for n in range(rounds):
            round_dir = work / f"round-{n}"
            storage = LocalStorage(round_dir / "store")
            stores: dict[str, VersionStore] = {
                "local": LocalRepositories(git),
                "kept": StoredRepositories(storage, git),
            }
            for name, store in stores.items():
                versions = SiteVersions(git, VersioningConfig(round_dir / name, ME), store)
                timings[name].append(
                    _seconds(lambda v=versions: v.record(PROJECT, "r-1", site, None))
                    + _seconds(lambda v=versions: v.record(PROJECT, "r-2", changed, None))
                )
            kept = SiteVersions(git, VersioningConfig(round_dir / "kept", ME), stores["kept"])
            repo = kept.repo(PROJECT)
            timings["log"].append(_seconds(lambda k=kept, r=repo: k.history(r)))
            timings["fresh"].append(_seconds(lambda k=kept: k.checkout(PROJECT)))
            other = SiteVersions(
                git, VersioningConfig(round_dir / "other", ME), StoredRepositories(storage, git)
            )
            timings["cold"].append(_seconds(lambda o=other: o.checkout(PROJECT)))
            assert len(other.history(other.repo(PROJECT))) == 2
            bundle_bytes = sum(
                len(storage.get(k)) for k in storage.list(f"projects/{PROJECT}/versions/")
            )
        med = {k: statistics.median(v) * 1000 for k, v in timings.items()}
        size = _size(site)
        print(f"site: {size / 1024:.0f} KiB; kept history (2 commits): "
              f"{bundle_bytes / 1024:.0f} KiB ({bundle_bytes / size:.2f}x the site)")  # fmt: skip
        print(f"two runs recorded, repository only:       {med['local']:8.1f} ms (baseline)")
        print(f"two runs recorded, kept in local storage: {med['kept']:8.1f} ms "
              f"({med['kept'] / med['local']:.2f}x)")  # fmt: skip
        print(f"git log of the history:                   {med['log']:8.1f} ms (baseline)")
        print(f"refresh, copy current (pointer only):     {med['fresh']:8.1f} ms "
              f"({med['fresh'] / med['log']:.2f}x)")  # fmt: skip
        print(f"refresh, empty copy (download, restore):  {med['cold']:8.1f} ms "
              f"({med['cold'] / med['log']:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
