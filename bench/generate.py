"""`kirbygen generate` end to end: a folder holding one Markdown table of 1,000 rows.

Measured, each as the best of ``--repeat`` runs of the real command in a child process:
a first generation into an empty folder, and a second into the same folder (nothing changed:
phases reused, no file rewritten). Baselines, measured in the same run: a bare interpreter's
start-up (``python -c pass``) and writing as many plain files as the generated site holds
(``Path.write_bytes``, 100 to a folder). The report's phase durations of the best first run
are printed too, so the time can be placed.

Run: ``.venv/bin/python bench/generate.py [--rows N] [--repeat R]``. Prints figures; it is not
a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_material(folder: Path, rows: int) -> None:
    lines = ["# Works", "", "| Title | Year | Medium | Description |", "|---|---|---|---|"]
    lines += [
        f"| Work {n} | {2000 + n % 25} | clay and ash | A piece number {n}, fired twice. |"
        for n in range(1, rows + 1)
    ]
    folder.mkdir(parents=True)
    (folder / "works.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(command: list[str]) -> tuple[float, str]:
    os.sync()  # no run pays for an earlier one's write-back
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def plain_write(root: Path, sizes: list[int]) -> float:
    os.sync()
    start = time.perf_counter()
    for index, size in enumerate(sizes):
        target = root / f"d{index // 100}" / f"f{index}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"x" * size)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kirbygen-bench-") as tmp:
        material = Path(tmp) / "material"
        write_material(material, args.rows)
        kirbygen = [sys.executable, "-m", "entrypoints.cli", "generate", str(material)]
        first = again = start_up = plain = float("inf")
        phases: list[dict[str, object]] = []
        files = 0
        for run in range(args.repeat):
            out = Path(tmp) / f"site-{run}"
            seconds, stdout = timed([*kirbygen, "--out", str(out), "--json"])
            if seconds < first:
                first = seconds
                phases = json.loads(stdout)["report"]["phases"]
            again = min(again, timed([*kirbygen, "--out", str(out), "--json"])[0])
            start_up = min(start_up, timed([sys.executable, "-c", "pass"])[0])
            sizes = [p.stat().st_size for p in out.rglob("*") if p.is_file()]
            files = len(sizes)
            plain = min(plain, plain_write(Path(tmp) / f"plain-{run}", sizes))
            shutil.rmtree(out)

    print(f"rows: {args.rows}  files in the site: {files}")
    print(f"generate (first)        : {first:.3f} s")
    print(f"generate (again)        : {again:.3f} s")
    print(f"baseline start-up       : {start_up:.3f} s  (python -c pass)")
    print(f"baseline plain write    : {plain:.3f} s  ({files} files)")
    print(f"ratio first/start-up    : {first / start_up:.1f}x")
    print(f"ratio first/plain write : {first / plain:.1f}x")
    print(f"ratio again/start-up    : {again / start_up:.1f}x")
    timings = ", ".join(f"{p['name']} {p['seconds']:.2f} s" for p in phases)
    print(f"phases of the best first run: {timings}")


if __name__ == "__main__":
    main()
