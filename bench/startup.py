"""Start-up time of the ``kirbygen`` console script against a bare interpreter, in one run.

Usage:  .venv/bin/python bench/startup.py [--runs N] [--top K]

Each figure is the median wall time of N fresh processes, the commands run in turn round
after round: ``python -c pass`` (the baseline), ``kirbygen --help``, ``kirbygen generate
--help`` and the example ``generate`` (the material in ``examples/material`` into a new
temporary folder each time, offline). Printed: seconds and the ratio to the baseline, the
targets for ``--help`` (at most 0.3 s and 6x the baseline), where the example generate's
import time goes (``python -X importtime``: the heaviest packages by their own time, and the
heaviest modules it loads directly), whether it loads any of the libraries it must not, and
the cost of discovering plugin entry points.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIRBYGEN = Path(sys.executable).with_name("kirbygen")
EXAMPLE = ROOT / "examples" / "material"
HELP_MAX_SECONDS = 0.3
HELP_MAX_RATIO = 6.0
# Never needed by an offline generate (tests/unit/test_lazy_imports.py asserts the same).
NOT_FOR_GENERATE = ("starlette", "sqlalchemy", "alembic", "uvicorn", "boto3", "redis", "saq",
                    "anthropic")  # fmt: skip
WATCHED = ("PIL", "numpy", "pluggy", "dependency_injector", "yaml", "jinja2", "markdown_it")


def _seconds(command: list[str]) -> float:
    """Wall time of one fresh process, run in (and, with {work}, writing into) a new folder."""
    with tempfile.TemporaryDirectory() as work:
        argv = [part.replace("{work}", work) for part in command]
        started = time.perf_counter()
        subprocess.run(argv, cwd=work, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        return time.perf_counter() - started


def _medians(commands: list[list[str]], runs: int) -> list[float]:
    """The median time of each command, run in turn round after round, so that a machine
    busy with other work slows each of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            times[index].append(_seconds(command))
    return [statistics.median(each) for each in times]


def _generate_args(out: str) -> list[str]:
    return ["generate", str(EXAMPLE), "--out", f"{out}/site", "--skills", "offline", "--json"]


# Runs the command like the console script, its output dropped, then lists sys.modules.
PROFILED_RUN = """
import contextlib, json, os, sys
from entrypoints.cli import main
with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
    main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
"""


def _import_profile(top: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]], set[str]]:
    """(packages by own time, modules imported at depth 0 or 1 by cumulative time, loaded)."""
    with tempfile.TemporaryDirectory() as work:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", PROFILED_RUN, *_generate_args(work)],
            cwd=work, check=True, capture_output=True, text=True,
        )  # fmt: skip
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    by_package: dict[str, int] = defaultdict(int)
    direct: list[tuple[str, int]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, own, cumulative, indented = line.replace(":", "|", 1).split("|")
        name = indented.strip()
        if name not in loaded:  # an import that failed (on purpose) is listed too
            continue
        by_package[name.partition(".")[0]] += int(own)
        if (len(indented) - len(indented.lstrip())) // 2 <= 1:
            direct.append((name, int(cumulative)))
    heaviest = sorted(by_package.items(), key=lambda item: -item[1])[:top]
    return heaviest, sorted(direct, key=lambda item: -item[1])[:top], loaded


def _entry_point_scan_ms() -> float:
    done = subprocess.run(
        [sys.executable, "-c",
         "import time, importlib.metadata as m; t = time.perf_counter(); "
         "m.entry_points(group='kirbygen'); print((time.perf_counter() - t) * 1000)"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per figure (median)")
    parser.add_argument("--top", type=int, default=12, help="import offenders to list")
    args = parser.parse_args()
    if not KIRBYGEN.is_file():
        sys.exit(f"{KIRBYGEN} is missing: run ./scripts/setup")
    bare, help_all, help_generate = _medians(
        [[sys.executable, "-c", "pass"], [str(KIRBYGEN), "--help"],
         [str(KIRBYGEN), "generate", "--help"]],
        args.runs,
    )  # fmt: skip
    generate_runs = max(3, args.runs // 2)
    bare_again, generate = _medians(
        [[sys.executable, "-c", "pass"], [str(KIRBYGEN), *_generate_args("{work}")]],
        generate_runs,
    )
    print(
        f"median of {args.runs} fresh processes, the commands in turn ({generate_runs} for the"
        " example generate, whose ratio is to the python -c pass of its own rounds)"
    )
    print(f"python -c pass                     {bare:6.3f} s   1.0x")
    for label, seconds in (("kirbygen --help", help_all),
                           ("kirbygen generate --help", help_generate),
                           ("kirbygen generate examples/material", generate)):  # fmt: skip
        baseline = bare_again if seconds is generate else bare
        print(f"{label:<34} {seconds:6.3f} s   {seconds / baseline:.1f}x")
    met = help_all <= HELP_MAX_SECONDS and help_all / bare <= HELP_MAX_RATIO
    print(f"target for --help: <= {HELP_MAX_SECONDS} s and <= {HELP_MAX_RATIO:.0f}x: "
          f"{'met' if met else 'NOT met'}")  # fmt: skip

    heaviest, direct, modules = _import_profile(args.top)
    print(f"\nexample generate, import time by package (own time, {len(modules)} modules):")
    for package, micros in heaviest:
        print(f"  {package:<28} {micros / 1000:7.1f} ms")
    print("heaviest top-level imports (cumulative):")
    for module, micros in direct:
        print(f"  {module:<40} {micros / 1000:7.1f} ms")
    loaded = sorted({m.partition(".")[0] for m in modules} & set(NOT_FOR_GENERATE))
    print(f"libraries it must not load: {', '.join(loaded) if loaded else 'none loaded'}")
    watched = [name for name in WATCHED if name in {m.partition(".")[0] for m in modules}]
    print(f"other libraries it loads: {', '.join(watched)}")
    scan = _entry_point_scan_ms()
    print(f"plugin entry points discovery (importlib.metadata scan): {scan:.1f} ms")


if __name__ == "__main__":
    main()
