"""How fast the Kirby adapter emits a site: pages per second for 1,000 generated items.

Measured: ``KirbyAdapter.build`` on a schema with one collection of 1,000 items, then writing
the files into an empty temporary folder with the real site writer (``LocalSiteOutput``).
Baseline, measured in the same run: writing the same number of files with the same sizes
straight to disk (``Path.write_bytes``), i.e. the cost of the file system alone.

Run: ``.venv/bin/python bench/kirby_emit.py [--items N] [--repeat R]``. Prints figures; it is
not a pass/fail test.
"""

from __future__ import annotations

import argparse
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


def timed(work: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` runs, in seconds (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    site = site_with(args.items)
    adapter = KirbyAdapter()
    files: list[SiteFile] = adapter.build(site)
    pages = sum(1 for f in files if f.path.startswith("content/") and f.path.count(".") == 1)

    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as tmp:
        runs = iter(range(10**6))

        def emit() -> None:
            LocalSiteOutput().write(Path(tmp) / f"site-{next(runs)}", adapter.build(site))

        def plain() -> None:
            root = Path(tmp) / f"plain-{next(runs)}"
            for index, file in enumerate(files):
                target = root / f"d{index // 100}" / f"f{index}"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(file.data)

        build_only = timed(lambda: adapter.build(site), args.repeat)
        emitted = timed(emit, args.repeat)
        baseline = timed(plain, args.repeat)

    size = sum(len(f.data) for f in files)
    print(f"items: {args.items}  pages: {pages}  files: {len(files)}  bytes: {size:,}")
    print(f"build only           : {build_only:.3f} s  {pages / build_only:,.0f} pages/s")
    print(f"build + write (site) : {emitted:.3f} s  {pages / emitted:,.0f} pages/s")
    print(f"baseline plain write : {baseline:.3f} s  {pages / baseline:,.0f} pages/s equivalent")
    print(f"ratio site/baseline  : {emitted / baseline:.2f}x the time of writing plain files")


if __name__ == "__main__":
    main()
