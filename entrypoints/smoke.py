"""End-to-end check of a running Kirby-Gen: the steps a person takes, over the public API.

Each step prints one line (``ok  health  12 ms`` or ``FAIL health: reason``). After the
first failure the remaining steps are skipped, but the clean-up (delete the project, delete
the throwaway account) is always attempted for whatever was made, and a failed clean-up
fails the check too.
"""

from __future__ import annotations

import io
import json
import secrets
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx2
import yaml
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MATERIAL = ROOT / "examples" / "material"
# Members every generated Kirby site has: the front controller, the site's blueprint and
# content, and at least one template.
KIRBY_MEMBERS = ("index.php", "site/blueprints/site.yml", "content/site.txt")
TERMINAL = ("succeeded", "failed", "cancelled")


class StepFailed(Exception):
    """A step's check did not hold; the message says what was seen."""


@dataclass
class SmokeConfig:
    api_url: str
    material: Path = DEFAULT_MATERIAL
    timeout_seconds: float = 600.0  # the whole run, from start to its end message
    request_seconds: float = 60.0  # one HTTP request


@dataclass
class _State:
    """What the steps made, for later steps and for the clean-up."""

    email: str = ""
    password: str = ""
    token: str = ""
    project_id: str = ""
    run_id: str = ""
    events: int = 0
    notes: dict[str, str] = field(default_factory=dict)


def api_base(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the API URL must be an absolute http(s) URL, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _reason(response: httpx2.Response, expected: int) -> str:
    try:
        error = response.json().get("error", {})
        detail = f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    except (ValueError, AttributeError):
        detail = response.text[:200].strip()
    return f"HTTP {response.status_code} (expected {expected}){': ' + detail if detail else ''}"


def _expect(response: httpx2.Response, status: int) -> Any:
    if response.status_code != status:
        raise StepFailed(_reason(response, status))
    if status == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise StepFailed(f"HTTP {status} but the body is not JSON") from None


class Smoke:
    def __init__(self, config: SmokeConfig, out: TextIO) -> None:
        self.config = config
        self.base = api_base(config.api_url)
        self.out = out
        self.state = _State()
        self.http = httpx2.Client(
            base_url=self.base, timeout=config.request_seconds, follow_redirects=True
        )

    def close(self) -> None:
        self.http.close()

    # -- running -------------------------------------------------------------------------

    def run(self) -> bool:
        steps: list[tuple[str, Callable[[], str]]] = [
            ("health", self.health),
            ("ready", self.ready),
            ("register", self.register),
            ("project", self.create_project),
            ("upload", self.upload),
            ("schema", self.approve_schema),
            ("run", self.start_run),
            ("events", self.follow_events),
            ("site.zip", self.download_site),
        ]
        passed = True
        for name, step in steps:
            if not passed:
                self._line(f"skip {name}")
                continue
            passed = self._step(name, step)
        # Clean-up of whatever was made, whether or not the steps above passed.
        if self.state.project_id:
            passed = self._step("delete project", self.delete_project) and passed
        if self.state.token:
            passed = self._step("delete user", self.delete_user) and passed
        return passed

    def _step(self, name: str, step: Callable[[], str]) -> bool:
        started = time.monotonic()
        try:
            note = step()
        except StepFailed as exc:
            self._line(f"FAIL {name}: {exc}")
            return False
        except httpx2.TransportError as exc:
            self._line(f"FAIL {name}: cannot reach {self.base}: {exc or type(exc).__name__}")
            return False
        except (OSError, WebSocketException, TimeoutError) as exc:
            self._line(f"FAIL {name}: {type(exc).__name__}: {exc}")
            return False
        ms = round((time.monotonic() - started) * 1000)
        self._line(f"ok   {name:<15}{ms:>7} ms{'  ' + note if note else ''}")
        return True

    def _line(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.state.token}"}

    @property
    def _project(self) -> str:
        return f"/api/projects/{self.state.project_id}"

    # -- the steps -----------------------------------------------------------------------

    def health(self) -> str:
        body = _expect(self.http.get("/api/health"), 200)
        if not isinstance(body, dict) or body.get("status") != "ok":
            raise StepFailed(f"unexpected answer {body!r}")
        return ""

    def ready(self) -> str:
        response = self.http.get("/api/ready")
        if response.status_code != 200:
            try:
                checks = response.json()["error"]["details"]["checks"]
                down = [n for n, c in checks.items() if c.get("status") != "ok"]
                raise StepFailed(f"HTTP {response.status_code}: not ready: {', '.join(down)}")
            except (ValueError, KeyError, TypeError, AttributeError):
                raise StepFailed(_reason(response, 200)) from None
        checks = _expect(response, 200).get("checks", {})
        return ", ".join(sorted(checks))

    def register(self) -> str:
        state = self.state
        state.email = f"smoke-{secrets.token_hex(8)}@example.com"
        state.password = secrets.token_urlsafe(24)
        credentials = {"email": state.email, "password": state.password}
        _expect(self.http.post("/api/auth/register", json=credentials), 201)
        login = _expect(self.http.post("/api/auth/login", json=credentials), 200)
        token = login.get("access_token") if isinstance(login, dict) else None
        if not token:
            raise StepFailed("login answered without an access token")
        state.token = token
        return state.email

    def create_project(self) -> str:
        name = f"Smoke test {time.strftime('%Y-%m-%d %H:%M:%S')}"
        created = self.http.post("/api/projects", json={"name": name}, headers=self._auth)
        body = _expect(created, 201)
        self.state.project_id = body["id"]
        return self.state.project_id

    def upload(self) -> str:
        material = self.config.material
        paths = sorted(p for p in material.rglob("*") if p.is_file()) if material.is_dir() else []
        if not paths:
            raise StepFailed(f"no material to upload in {material}")
        with _opened(paths) as files:
            response = self.http.post(
                f"{self._project}/uploads",
                files=[("files", (p.name, f, "application/octet-stream")) for p, f in files],
                headers=self._auth,
            )
        items = _expect(response, 201).get("items", [])
        if len(items) != len(paths):
            raise StepFailed(f"sent {len(paths)} files, {len(items)} stored")
        return f"{len(items)} files"

    def approve_schema(self) -> str:
        _expect(self.http.post(f"{self._project}/conversation", json={}, headers=self._auth), 200)
        approved = self.http.post(f"{self._project}/schema/approve", headers=self._auth)
        body = _expect(approved, 200)
        entities = (body.get("schema") or {}).get("entities", []) if isinstance(body, dict) else []
        return f"{len(entities)} entities" if entities else ""

    def start_run(self) -> str:
        body = _expect(self.http.post(f"{self._project}/runs", headers=self._auth), 202)
        self.state.run_id = body["id"]
        return self.state.run_id

    def follow_events(self) -> str:
        ws_base = "ws" + self.base.removeprefix("http")
        url = f"{ws_base}{self._project}/events?run={self.state.run_id}"
        deadline = time.monotonic() + self.config.timeout_seconds
        # The token goes in the first message, not the URL, so it stays out of access logs.
        with connect(url, open_timeout=self.config.request_seconds) as socket:
            socket.send(json.dumps({"type": "auth", "token": self.state.token}))
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepFailed(f"the run did not end in {self.config.timeout_seconds:g} s")
                try:
                    message = json.loads(socket.recv(timeout=left))
                except TimeoutError:
                    continue
                kind = message.get("type")
                if kind == "event":
                    self.state.events += 1
                elif kind == "end":
                    return self._ended(message.get("run") or {})
                elif kind == "error":
                    error = message.get("error") or {}
                    raise StepFailed(f"refused: {error.get('code')}: {error.get('message')}")
                else:
                    raise StepFailed(f"unexpected message {message!r}")

    def _ended(self, run: dict[str, Any]) -> str:
        status = run.get("status")
        if status != "succeeded":
            failure = run.get("failure") or run.get("error") or ""
            raise StepFailed(f"run {status}{': ' + json.dumps(failure) if failure else ''}")
        if not self.state.events:
            raise StepFailed("the run ended without a single progress event")
        return f"{self.state.events} events"

    def download_site(self) -> str:
        response = self.http.get(f"{self._project}/site.zip", headers=self._auth)
        if response.status_code != 200:
            raise StepFailed(_reason(response, 200))
        return check_kirby_zip(response.content)

    def delete_project(self) -> str:
        _expect(self.http.delete(self._project, headers=self._auth), 204)
        gone = self.http.get(self._project, headers=self._auth)
        if gone.status_code != 404:
            raise StepFailed(f"the project still answers HTTP {gone.status_code}")
        return ""

    def delete_user(self) -> str:
        body = {"password": self.state.password}
        response = self.http.request("DELETE", "/api/auth/me", json=body, headers=self._auth)
        _expect(response, 204)
        login = {"email": self.state.email, "password": self.state.password}
        again = self.http.post("/api/auth/login", json=login)
        if again.status_code != 401:
            raise StepFailed(f"the deleted account can still log in (HTTP {again.status_code})")
        return ""


@contextmanager
def _opened(paths: list[Path]) -> Iterator[list[tuple[Path, Any]]]:
    handles: list[tuple[Path, Any]] = []
    try:
        for path in paths:
            handles.append((path, path.open("rb")))
        yield handles
    finally:
        for _, handle in handles:
            handle.close()


def check_kirby_zip(data: bytes) -> str:
    """What makes the archive a Kirby site; raises ``StepFailed`` naming what is missing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise StepFailed(f"not a zip archive ({len(data)} bytes)") from None
    with archive:
        broken = archive.testzip()
        if broken is not None:
            raise StepFailed(f"{broken} is corrupt in the archive")
        names = set(archive.namelist())
        missing = [name for name in KIRBY_MEMBERS if name not in names]
        if missing:
            raise StepFailed(f"not a Kirby site: no {', '.join(missing)}")
        templates = [n for n in names if n.startswith("site/templates/") and n.endswith(".php")]
        if not templates:
            raise StepFailed("not a Kirby site: no template in site/templates/")
        blueprints = [n for n in names if n.startswith("site/blueprints/") and n.endswith(".yml")]
        for name in blueprints:
            try:
                yaml.safe_load(archive.read(name))
            except yaml.YAMLError as exc:
                raise StepFailed(f"{name} is not valid YAML: {exc}") from None
        if not archive.read("index.php").lstrip().startswith(b"<?php"):
            raise StepFailed("index.php is not a PHP file")
    return f"{len(data) // 1024} KiB, {len(names)} files, {len(blueprints)} blueprints"


def run_smoke(config: SmokeConfig, out: TextIO) -> bool:
    smoke = Smoke(config, out)
    try:
        return smoke.run()
    finally:
        smoke.close()
