"""How fast the Kirby adapter emits a site: pages per second for 1,000 generated items, and
how time and memory grow from 1,000 to 10,000 items.

Measured: ``KirbyAdapter.build`` on a schema with one collection of N items, then writing the
files into an empty temporary folder with the real site writer (``LocalSiteOutput``: staged,
atomic, made durable). Baselines, measured in the same run and interleaved with it:

* plain write: the same number of files of the same sizes written straight to disk with
  ``Path.write_bytes``, 100 to a folder (the cost of the file system alone);
* same layout: the site's own files at their own paths (a folder per page, as Kirby wants),
  written plainly: no staging, no renames, nothing made durable.

Every timed run starts after ``os.sync()``, so no run pays for another's write-back.

Run: ``.venv/bin/python bench/kirby_emit.py [--items N] [--repeat R] [--scale M]``. Prints
figures; it is not a pass/fail test. ``--scale 0`` skips the growth part.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.cms.kirby import KirbyAdapter
from adapters.local.site_output import LocalSiteOutput
from domain.content import ContentItem, StructuredContent
from domain.design import DesignSystem
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType
from domain.site import SiteFile, SiteSpec

FIELDS = (
    Field(id="summary", label="Summary", type=FieldType.TEXTAREA),
    Field(id="year", label="Year", type=FieldType.NUMBER),
    Field(id="launched", label="Launched", type=FieldType.DATE),
    Field(id="materials", label="Materials", type=FieldType.TAGS),
    Field(id="website", label="Website", type=FieldType.URL),
    Field(id="story", label="Story", type=FieldType.MARKDOWN),
)


def site_with(items: int) -> SiteSpec:
    schema = ContentSchema(
        name="Bench",
        entities=(
            Entity(
                id="project",
                name="Project",
                plural_name="Projects",
                kind=EntityKind.COLLECTION,
                fields=FIELDS,
            ),
        ),
    )
    content = StructuredContent(
        items=tuple(
            ContentItem(
                id=f"p{n}",
                entity="project",
                slug=f"project-{n}",
                title=f"Project {n}",
                sort=n,
                fields={
                    "summary": f"Project number {n}.\nA second line of summary.",
                    "year": 2000 + n % 25,
                    "launched": f"20{10 + n % 15}-0{1 + n % 9}-1{n % 9}",
                    "materials": ["clay", "ash", f"glaze {n % 7}"],
                    "website": f"https://example.org/projects/{n}",
                    "story": f"# Project {n}\n\nSome *Markdown* text.\n\n----\n\nKey: value",
                },
            )
            for n in range(1, items + 1)
        )
    )
    return SiteSpec(title="Bench", schema=schema, content=content, design=DesignSystem())


def count_pages(files: list[SiteFile]) -> int:
    return sum(1 for f in files if f.path.startswith("content/") and f.path.count(".") == 1)


def best_of(works: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best of ``repeat`` runs of each work, in seconds, the works interleaved so that a
    disturbance of the machine hits them alike; each run starts with nothing left to flush."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(repeat):
        for name, work in works.items():
            os.sync()
            start = time.perf_counter()
            work()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def measure(items: int, repeat: int) -> None:
    site = site_with(items)
    adapter = KirbyAdapter()
    files: list[SiteFile] = adapter.build(site)
    pages = count_pages(files)

    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as tmp:
        runs = iter(range(10**6))

        def emit() -> None:
            LocalSiteOutput().write(Path(tmp) / f"site-{next(runs)}", adapter.build(site))

        def write_only() -> None:
            LocalSiteOutput().write(Path(tmp) / f"site-{next(runs)}", files)

        def plain() -> None:
            root = Path(tmp) / f"plain-{next(runs)}"
            for index, file in enumerate(files):
                target = root / f"d{index // 100}" / f"f{index}"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(file.data)

        def same_layout() -> None:
            root = Path(tmp) / f"layout-{next(runs)}"
            for file in files:
                target = root / file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(file.data)

        times = best_of(
            {
                "build": lambda: adapter.build(site),
                "site": emit,
                "write": write_only,
                "plain": plain,
                "layout": same_layout,
            },
            repeat,
        )

    size = sum(len(f.data) for f in files)
    build_time, site_time, write_time = times["build"], times["site"], times["write"]
    plain_time, layout_time = times["plain"], times["layout"]
    print(f"items: {items}  pages: {pages}  files: {len(files)}  bytes: {size:,}")
    print(f"build only              : {build_time:.3f} s  {pages / build_time:,.0f} pages/s")
    print(f"build + write (site)    : {site_time:.3f} s  {pages / site_time:,.0f} pages/s")
    print(f"write only (site)       : {write_time:.3f} s  {pages / write_time:,.0f} pages/s")
    print(f"baseline plain write    : {plain_time:.3f} s  {pages / plain_time:,.0f} pages/s")
    print(f"baseline same layout    : {layout_time:.3f} s  {pages / layout_time:,.0f} pages/s")
    print(f"ratio write/plain write : {write_time / plain_time:.2f}x")
    print(f"ratio write/same layout : {write_time / layout_time:.2f}x")
    print(f"ratio build+write/plain : {site_time / plain_time:.2f}x")


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc: the growth part needs Linux")


def one_size(items: int) -> None:
    """Child process: build and write ``items`` once; prints seconds, the peak RSS, and the
    peak's growth over the RSS after start-up (the site's own memory)."""
    before = rss_kib()
    site = site_with(items)
    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as tmp:
        os.sync()
        start = time.perf_counter()
        LocalSiteOutput().write(Path(tmp) / "site", KirbyAdapter().build(site))
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"{seconds} {peak} {peak - before}")


def growth(small: int, factor: int) -> None:
    """Time and peak memory at ``small`` and ``factor`` times as many items, each measured in
    a fresh process so that one size's peak does not hide the other's."""
    figures = {}
    for items in (small, small * factor):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(items)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        figures[items] = (float(out[0]), int(out[1]), int(out[2]))
    (t1, peak1, grew1), (t2, peak2, grew2) = figures[small], figures[small * factor]
    print(f"growth {small:,} -> {small * factor:,} items ({factor}x):")
    print(f"  build + write         : {t1:.3f} s -> {t2:.3f} s   ratio {t2 / t1:.2f}x")
    print(f"  peak RSS              : {peak1 / 1024:.0f} MiB -> {peak2 / 1024:.0f} MiB")
    print(
        f"  peak RSS over start-up: {grew1 / 1024:.1f} MiB -> {grew2 / 1024:.1f} MiB"
        f"   ratio {grew2 / max(grew1, 1):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10, help="growth factor; 0 to skip")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_size(args.one)
        return
    measure(args.items, args.repeat)
    if args.scale:
        growth(args.items, args.scale)


if __name__ == "__main__":
    main()
