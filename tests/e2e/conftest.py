"""Helpers for running the real `kirbygen` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "material"

MODEL_VARIABLES = ("ANTHROPIC_", "CLAUDE_")
Kirbygen = Callable[..., subprocess.CompletedProcess[str]]


def run_kirbygen(
    *args: str | Path, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # No setting of the developer's shell leaks in — above all no API key: no test talks to
    # the real Anthropic API.
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("KIRBYGEN_", *MODEL_VARIABLES))
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


@pytest.fixture
def kirbygen(tmp_path: Path) -> Kirbygen:
    def run(
        *args: str | Path, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_kirbygen(*args, cwd=tmp_path, env=env)

    return run
