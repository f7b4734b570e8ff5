"""The local target: serves the static export, and the Kirby site itself with PHP's built-in
server when PHP (with the extensions Kirby needs) and a Kirby core are at hand.

Both bind to loopback on a free port. Kirby's core is *copied* into the site as ``kirby/``
(through a symlink Kirby resolves the site beside the core and answers 404), and removed again
when the deployment stops if it was copied for it.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs

from application.deployments import DeployFailed
from domain.ports import DeployProgress, DeployResult, SiteBundle
from domain.project import Deployment

# What Kirby 5 requires of PHP (getkirby.com/docs/guide/quickstart#requirements), as `php -m`
# names them.
KIRBY_PHP_EXTENSIONS = (
    "ctype",
    "curl",
    "dom",
    "filter",
    "hash",
    "iconv",
    "json",
    "libxml",
    "mbstring",
    "openssl",
    "SimpleXML",
)
START_TIMEOUT_SECONDS = 15.0
STOP_POLL_SECONDS = 0.5


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the CLI's output stays clean
        pass


@attrs.define
class LocalServer:
    url: str
    static: ThreadingHTTPServer
    kirby_url: str | None = None
    kirby_missing: str | None = None
    php: subprocess.Popen[bytes] | None = None
    # A Kirby core copied in for this deployment, removed when it stops.
    copied_core: Path | None = None
    stopped: threading.Event = attrs.field(factory=threading.Event)


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def kirby_missing(php_binary: str, core: Path) -> str | None:
    """Why a Kirby site cannot run with ``php_binary`` and the core at ``core``, or None."""
    php = shutil.which(php_binary)
    if php is None:
        return f"PHP is not installed ({php_binary!r} is not on PATH; set KIRBYGEN_PHP)"
    if not (core / "bootstrap.php").is_file():
        return (
            f"no Kirby core at {core} (bootstrap.php missing; set KIRBYGEN_KIRBY_CORE to a "
            "Kirby 5 folder)"
        )
    listed = subprocess.run([php, "-m"], capture_output=True, text=True, check=False)
    have = {line.strip().lower() for line in listed.stdout.splitlines()}
    lacking = [e for e in KIRBY_PHP_EXTENSIONS if e.lower() not in have]
    if lacking:
        return f"PHP lacks extensions Kirby needs: {', '.join(lacking)}"
    return None


class LocalDeployer:
    target = "local"

    def __init__(
        self,
        *,
        kirby_core: Path,
        php: str = "php",
        host: str = "127.0.0.1",
        should_stop: Callable[[str], bool] | None = None,
    ) -> None:
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the local target binds loopback only")
        self._core = kirby_core
        self._php = php
        self._host = host
        self._should_stop = should_stop
        self.servers: dict[str, LocalServer] = {}
        self._lock = threading.Lock()
        atexit.register(self.close)

    # --- the port -------------------------------------------------------------------------

    def deploy(
        self,
        deployment_id: str,
        bundle: SiteBundle,
        previous: Deployment | None,
        progress: DeployProgress,
    ) -> DeployResult:
        if not (bundle.static / "index.html").is_file():
            raise DeployFailed(
                f"there is no static export in {bundle.static} (index.html is missing)",
                code="no_static_export",
            )
        handler = functools.partial(_QuietHandler, directory=str(bundle.static))
        static = ThreadingHTTPServer((self._host, 0), handler)
        threading.Thread(target=static.serve_forever, daemon=True, name="static-site").start()
        url = f"http://{self._url_host()}:{static.server_address[1]}/"
        server = LocalServer(url=url, static=static)
        with self._lock:
            self.servers[deployment_id] = server
        progress(40, f"static export served at {url}")
        server.kirby_missing = self.kirby_missing()
        if server.kirby_missing is None:
            self._start_kirby(server, bundle.site)
        if server.kirby_url is not None:
            progress(90, f"Kirby site served at {server.kirby_url} (Panel at /panel)")
        else:
            progress(90, f"the Kirby site is not served: {server.kirby_missing}")
        if self._should_stop is not None:
            threading.Thread(
                target=self._watch, args=(deployment_id,), daemon=True, name="stop-watch"
            ).start()
        return DeployResult(url=url, provider_ref=None)

    def rollback(
        self, deployment_id: str, to: Deployment, progress: DeployProgress
    ) -> DeployResult:
        raise DeployFailed(
            "a local deployment cannot be rolled back; deploy the version you want",
            code="not_rollbackable",
        )

    def stop(self, deployment: Deployment) -> None:
        self.stop_id(deployment.id)

    # --- the rest -------------------------------------------------------------------------

    def kirby_missing(self) -> str | None:
        """Why the Kirby site cannot be served here (exactly what is missing), or None."""
        return kirby_missing(self._php, self._core)

    def stop_id(self, deployment_id: str) -> None:
        with self._lock:
            server = self.servers.pop(deployment_id, None)
        if server is None:
            return
        server.stopped.set()
        server.static.shutdown()
        server.static.server_close()
        if server.php is not None:
            server.php.terminate()
            try:
                server.php.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.php.kill()
                server.php.wait()
        if server.copied_core is not None:
            shutil.rmtree(server.copied_core, ignore_errors=True)

    def close(self) -> None:
        for deployment_id in list(self.servers):
            self.stop_id(deployment_id)

    def _url_host(self) -> str:
        return f"[{self._host}]" if ":" in self._host else self._host

    def _start_kirby(self, server: LocalServer, site: Path) -> None:
        core = site / "kirby"
        if not core.exists():
            shutil.copytree(self._core, core, symlinks=False)
            server.copied_core = core
        port = free_port(self._host)
        php = shutil.which(self._php) or self._php
        server.php = subprocess.Popen(
            [php, "-S", f"{self._host}:{port}", "kirby/router.php"],
            cwd=site,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(self._host, port):
            if server.php.poll() is not None or time.monotonic() > deadline:
                server.kirby_missing = "PHP's built-in server did not start"
                return
            time.sleep(0.05)
        server.kirby_url = f"http://{self._url_host()}:{port}/"

    def _watch(self, deployment_id: str) -> None:
        assert self._should_stop is not None
        server = self.servers.get(deployment_id)
        while server is not None and not server.stopped.wait(STOP_POLL_SECONDS):
            if self._should_stop(deployment_id):
                self.stop_id(deployment_id)
                return
