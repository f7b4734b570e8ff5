"""Tests that need the git command line."""

from __future__ import annotations

import shutil

from tests.conftest import require_service


def require_git() -> None:
    """Skips (locally) or fails (in CI) the calling test when git is not installed."""

    def check() -> None:
        if shutil.which("git") is None:
            raise OSError("git is not on PATH")

    require_service("git", check)
