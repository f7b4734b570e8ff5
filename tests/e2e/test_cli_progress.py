"""`kirbygen generate` draws a progress bar on a terminal and keeps quiet in a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import EXAMPLE, MODEL_VARIABLES, Kirbygen

pytestmark = pytest.mark.slow

BAR_REDRAW = "\r\x1b[2K"


def run_on_terminal(*args: str | Path, cwd: Path) -> tuple[int, str]:
    """Runs the command with its stderr on a pseudo-terminal; its exit code and what the
    terminal received."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("KIRBYGEN_", *MODEL_VARIABLES))
    }
    master, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *map(str, args)],
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=terminal,
        )
    finally:
        os.close(terminal)
    received = bytearray()
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's last writer is gone
                break
            if not chunk:
                break
            received += chunk
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return code, received.decode("utf-8", errors="replace")


def test_a_terminal_gets_a_bar_that_moves_through_files_read_and_written(
    tmp_path: Path,
) -> None:
    code, screen = run_on_terminal("generate", EXAMPLE, "--out", tmp_path / "site", cwd=tmp_path)
    assert code == 0, screen
    frames = [frame for frame in screen.split(BAR_REDRAW) if frame.strip()]
    documents = len([p for p in EXAMPLE.rglob("*") if p.is_file()])
    assert any(f"ingest: {documents}/{documents} files" in frame for frame in frames)
    assert any(" site: " in frame and " files" in frame for frame in frames)
    bars = [frame.split(" ", 1)[0] for frame in frames]
    assert all(set(bar) <= {"#", "-"} and len(bar) == 24 for bar in bars)
    filled = [bar.count("#") for bar in bars]
    assert filled == sorted(filled) and filled[-1] == 24  # it only moves forward, to the end
    assert screen.endswith(BAR_REDRAW)  # the bar is cleared before the summary


def test_a_pipe_gets_one_line_per_phase_step_and_no_bar(tmp_path: Path, kirbygen: Kirbygen) -> None:
    result = kirbygen("generate", EXAMPLE, "--out", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    phases = ["ingest", "mapping", "structuring", "design", "site"]
    expected = []
    for number, phase in enumerate(phases, start=1):
        expected += [f"[{number}/5] {phase} started", f"[{number}/5] {phase} done"]
    assert lines == expected
