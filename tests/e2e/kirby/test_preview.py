"""`kirbygen preview DIR` serves a generated site with real Kirby, in place, core left outside."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, run_kirbygen
from tests.e2e.kirby.conftest import OWNER
from tests.support.real_kirby import free_port, wait_for_port

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_preview_serves_the_site_and_its_panel_with_a_given_core(
    example_site: Path, kirby_core: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(example_site, site)
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KIRBYGEN_")}
    command = [sys.executable, "-m", "entrypoints.cli", "preview", str(site)]
    process = subprocess.Popen(
        [*command, "--kirby", str(kirby_core), "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # so the PHP server it starts stops with it
    )
    try:
        wait_for_port(port, process)
        base = f"http://127.0.0.1:{port}"
        status, home = _get(base + "/")
        assert status == 200 and OWNER in home
        assert _get(base + "/projects/harbour-lamps")[0] == 200
        assert _get(base + "/assets/css/site.css")[0] == 200
        assert _get(base + "/content/home/home.txt")[0] == 404  # content is never served raw
        assert _get(base + "/panel/login")[0] == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert f"at http://127.0.0.1:{port}" in output
    assert not (site / "kirby").exists()  # the core was not copied into the site


def test_preview_without_a_core_says_how_to_get_one(example_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(example_site, site)
    result = run_kirbygen("preview", site, cwd=tmp_path)
    assert result.returncode == 2
    assert "composer install" in result.stderr and "--kirby PATH" in result.stderr
    wrong = run_kirbygen("preview", site, "--kirby", tmp_path, cwd=tmp_path)
    assert wrong.returncode == 2 and "not a Kirby core" in wrong.stderr
