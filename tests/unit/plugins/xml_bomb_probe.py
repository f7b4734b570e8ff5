"""Run as a script by ``test_xml_bombs_memory``: ingests each hostile file in turn in a fresh
process and prints how much the process tree's resident memory grew for each (JSON).

The corpus is built first, then the resident memory of the whole tree (this process and
every descendant, read from /proc) is sampled every few milliseconds while the file is
ingested. Growth = the tree's peak minus this process's size before. The kernel's own peak
of this process (VmHWM, reset through ``/proc/self/clear_refs`` first) is the floor, so a
spike between samples in this process is not missed.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from application.ingest import ingest
from domain.documents import IngestLimits, SourceFile
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.unit.plugins.xml_bombs import corpus

MIB = 1024 * 1024


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process ended meanwhile
    return 0


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


class TreeSampler(threading.Thread):
    """The highest resident size of this process and its descendants seen while running."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        mine = _cmdline(me)
        while not self.stopped.is_set():
            # A child between fork and exec still shares this process's pages (copy on
            # write): it is counted once it runs its own program.
            children = [p for p in _descendants(me) if _cmdline(p) not in (mine, b"")]
            total = _rss_kib(me) + sum(_rss_kib(p) for p in children)
            self.peak_kib = max(self.peak_kib, total)
            time.sleep(0.003)


def measure(name: str, data: bytes, parsers: Any, limits: IngestLimits) -> dict[str, Any]:
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    before = _status_kib("VmRSS")
    sampler = TreeSampler()
    sampler.start()
    result = ingest([SourceFile(name, data)], parsers, limits=limits)
    sampler.stopped.set()
    sampler.join()
    self_peak = _status_kib("VmHWM")
    return {
        "name": name,
        "growth_kib": max(sampler.peak_kib, self_peak) - before,
        "rejected": [(r.code.value, r.reason) for r in result.rejected],
        "size": len(data),
    }


def main() -> int:
    registry = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
    parsers = registry.parsers()
    # A generous wall-clock limit: memory is measured here, and a busy machine is slow.
    limits = IngestLimits(pdf_timeout_seconds=180)
    ingest([SourceFile("warm-up.md", b"# Warm\n\nup.\n")], parsers, limits=limits)
    results = []
    for name, build in corpus().items():
        data = build()  # built before the measurement starts
        results.append(measure(name, data, parsers, limits))
        del data
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
