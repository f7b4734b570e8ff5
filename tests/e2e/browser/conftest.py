"""The web app in a real browser: Debian's Chromium driven by Playwright, against a real
``kirbygen serve`` on a loopback port with its own data folder, one of each per test module.

Every page the tests visit is checked with axe-core (from npm, installed by scripts/setup) and
photographed at 1280 and 375 px into ``artifacts/browser/`` (``KIRBYGEN_ARTIFACTS_DIR``).
Without Chromium or axe-core the tests skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEFAULT_AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("KIRBYGEN_ARTIFACTS_DIR") or ROOT / "artifacts") / "browser"
WIDTHS = (1280, 375)
# Small enough that a test can send a file over it quickly; the example material is far below.
TEST_MAX_UPLOAD_BYTES = 1024 * 1024
SERVER_START_SECONDS = 30
BLOCKING_IMPACTS = ("serious", "critical")
SERVE = (sys.executable, "-m", "entrypoints.cli", "serve")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _chromium_ready() -> None:
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"{CHROMIUM} (apt-get install chromium)")
    import playwright.sync_api  # noqa: F401  (installed with the dev extra)


def axe_path() -> Path:
    return Path(os.environ.get("KIRBYGEN_AXE_PATH") or DEFAULT_AXE)


def _axe_ready() -> None:
    if not axe_path().is_file():
        raise FileNotFoundError(f"{axe_path()} (run ./scripts/setup, or set KIRBYGEN_AXE_PATH)")


@dataclass
class Server:
    url: str
    data_dir: Path
    log: Path
    extra_origins: list[str] = field(default_factory=list)

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """A JSON call made outside the browser (to set things up or check them)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def start_server(data_dir: Path, *, cors_origins: tuple[str, ...] = ()) -> tuple[Server, Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIRBYGEN_")}
    env.update(
        {
            "KIRBYGEN_DATA_DIR": str(data_dir),
            "KIRBYGEN_SKILLS": "offline",
            "KIRBYGEN_MAX_UPLOAD_BYTES": str(TEST_MAX_UPLOAD_BYTES),
            "APP_ENV": "local",
            "CORS_ORIGINS": ",".join(cors_origins),
            # One browser signs in, reloads and refreshes many times a minute from one address.
            "RATE_LIMIT_LOGIN_MAX_REQUESTS": "1000",
            "RATE_LIMIT_MAX_REQUESTS": "100000",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL", "QUEUE_URL", "STORAGE_TYPE", "DEPLOY_TYPE"):
        env.pop(name, None)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "server.log"
    with log.open("w") as handle:  # the server keeps its own copy of the descriptor
        process = subprocess.Popen(
            [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"kirbygen serve exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"kirbygen serve did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    return Server(url=url, data_dir=data_dir, log=log), process


def stop_server(process: Any) -> None:
    """SIGTERM, as a service manager stops it; what the server started (a local deployment's
    ``php -S``) must stop with it."""
    started = descendants(process.pid)
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    left = [pid for pid in started if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"kirbygen serve left {len(left)} process(es) running after SIGTERM"


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux's /proc children lists)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_service("Chromium", _chromium_ready)
    require_service("axe-core", _axe_ready)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageChecks:
    """What every page must pass: axe-core with no serious or critical violation, no
    horizontal scroll at 375 px, no Content-Security-Policy refusal; and a screenshot."""

    def __init__(self, page: Any, prefix: str) -> None:
        self.page = page
        self.prefix = prefix
        self.csp_errors: list[str] = []
        self.checked: list[str] = []
        self._axe = axe_path().read_text(encoding="utf-8")
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def violations(self) -> list[dict[str, Any]]:
        # Evaluated through the DevTools protocol: the page's strict CSP (no inline script)
        # stays in force for the app itself.
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(self._axe)
        found: list[dict[str, Any]] = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ['violations']});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3)
                        .map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
                }));
            }"""
        )
        return [v for v in found if v["impact"] in BLOCKING_IMPACTS]

    def check(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page = self.page
        original = page.viewport_size
        try:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.wait_for_timeout(150)  # layout settles after the resize
                shot = ARTIFACTS / f"{self.prefix}-{name}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth"
                    " - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
                serious = self.violations()
                assert serious == [], f"{name} at {width}px: {json.dumps(serious, indent=1)}"
        finally:
            page.set_viewport_size(original)
        assert self.csp_errors == [], self.csp_errors
        self.checked.append(name)
