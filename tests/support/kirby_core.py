"""Finding the real Kirby core, PHP and git for tests that need them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from adapters.deploy.local import kirby_missing
from tests.conftest import require_service

ROOT_DIR = Path(__file__).resolve().parents[2]


def kirby_core() -> Path:
    """The Kirby core (``KIRBYGEN_KIRBY_CORE``, default ``../shared/kirby`` beside the checkout);
    skips locally, fails in CI, when it or PHP with Kirby's extensions is missing."""
    core = Path(os.environ.get("KIRBYGEN_KIRBY_CORE") or ROOT_DIR.parent / "shared" / "kirby")

    def check() -> None:
        missing = kirby_missing("php", core)
        if missing is not None:
            raise RuntimeError(missing)

    require_service("PHP and the Kirby core", check)
    return core.resolve()


def require_git() -> None:
    def check() -> None:
        if shutil.which("git") is None:
            raise OSError("git is not on PATH")

    require_service("git", check)
