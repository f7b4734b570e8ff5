"""Judge a generated site with real Kirby: served by ``php -S`` and read through Kirby's classes.

``judge_site(site_dir, workdir)`` copies the site to ``workdir``, copies Kirby's core into it
as ``kirby/`` (a symlink does not work: Kirby finds the site from the core's real path), asks
Kirby itself what pages, files and blueprints there are (``kirby_probe.php``), then serves the
copy with one ``php -S`` for the whole site and requests every page, every link and every
asset. It returns a ``Verdict``: everything Kirby or a visitor would see wrong, as sentences.

The core's folder is ``KIRBYGEN_KIRBY_CORE`` (default ``../shared/kirby`` beside the
checkout). Without it, or without PHP and the extensions Kirby needs, the calling test skips
on a developer's machine and fails in CI (``require_real_kirby``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from domain.media_types import identify

ROOT = Path(__file__).resolve().parents[2]
CORE_SETTING = "KIRBYGEN_KIRBY_CORE"
DEFAULT_CORE = ROOT.parent / "shared" / "kirby"
PROBE = Path(__file__).with_name("kirby_probe.php")
# What Kirby 5 needs from PHP (Debian: php-cli php-mbstring php-xml php-curl php-gd php-intl).
PHP_EXTENSIONS = ("mbstring", "dom", "xml", "curl", "gd", "intl", "ctype", "json", "filter")
REQUEST_TIMEOUT_SECONDS = 30
STARTUP_TIMEOUT_SECONDS = 60

# Markup or entities that reached the visitor as text: the sign of double escaping.
VISIBLE_MARKUP = re.compile(
    r"</?(?:p|br|div|span|a|em|strong|ul|ol|li|h[1-6]|img|figure|code|pre|blockquote)\b[^>]*>"
    r"|&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,6});",
    re.IGNORECASE,
)
# php -S access lines; anything else in its log was written by PHP (a notice or worse).
_ACCESS_LINE = re.compile(
    r"^\[[^\]]+\] (?:\S+ (?:Accepted|Closing|Closed without sending a request.*)"
    r"|\S+ \[(?P<status>\d{3})\]: \w+ \S+.*"
    r"|PHP [\d.]+ Development Server \(.*\) started)$"
)
_ASSET_ATTRIBUTES = {("img", "src"), ("link", "href"), ("script", "src"), ("source", "src")}
_SKIPPED_TEXT_TAGS = frozenset({"script", "style", "template", "noscript"})


def kirby_core() -> Path:
    return Path(os.environ.get(CORE_SETTING) or DEFAULT_CORE).resolve()


def _check_php_and_core() -> None:
    php = shutil.which("php")
    if php is None:
        raise RuntimeError("php is not installed (Debian: apt-get install php-cli)")
    modules = subprocess.run(
        [php, "-m"], capture_output=True, text=True, timeout=30, check=True
    ).stdout.lower()
    loaded = {line.strip() for line in modules.splitlines()}
    missing = [name for name in PHP_EXTENSIONS if name not in loaded]
    if missing:
        raise RuntimeError(f"PHP lacks the extensions {', '.join(missing)}")
    core = kirby_core()
    if not (core / "bootstrap.php").is_file() or not (core / "router.php").is_file():
        raise RuntimeError(f"no Kirby core at {core} (set {CORE_SETTING})")


def require_real_kirby() -> Path:
    """The Kirby core's folder; skips (locally) or fails (CI) when it or PHP is missing."""
    from tests.conftest import require_service

    require_service("Kirby 5 core with PHP", _check_php_and_core)
    return kirby_core()


def install_site(site: Path, target: Path) -> Path:
    """A copy of ``site`` at ``target`` with Kirby's core copied in as ``kirby/``."""
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("kirby", "media"))
    shutil.copytree(kirby_core(), target / "kirby")
    return target


def run_probe(site: Path, *args: str) -> Any:
    """Run ``kirby_probe.php`` on an installed site; its JSON answer."""
    result = subprocess.run(
        ["php", "-d", "error_reporting=E_ALL", str(PROBE), str(site), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"kirby_probe.php {' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class KirbyServer:
    """``php -S`` serving one installed site; its log is read by ``log_problems``."""

    root: Path
    base_url: str
    log_path: Path

    def get(self, url: str) -> Response:
        absolute = urljoin(self.base_url + "/", url)
        request = urllib.request.Request(absolute, headers={"User-Agent": "kirbygen-tests"})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as answer:
                return Response(
                    absolute, answer.status, answer.headers.get("Content-Type", ""), answer.read()
                )
        except urllib.error.HTTPError as error:
            return Response(
                absolute, error.code, error.headers.get("Content-Type", ""), error.read()
            )

    def log_problems(self) -> list[str]:
        """Every line of the server's log that is not an access line, and every 5xx."""
        problems = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            access = _ACCESS_LINE.match(line)
            if access is None or int(access.group("status") or 0) >= 500:
                problems.append(f"PHP log: {line}")
        return problems


@contextmanager
def serve(site: Path) -> Iterator[KirbyServer]:
    """Serve an installed site (one with ``kirby/``) on a free loopback port."""
    log_path = site.parent / f"{site.name}-php.log"
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                "php",
                "-d",
                "error_reporting=E_ALL",
                "-d",
                "display_errors=Off",
                "-d",
                "log_errors=On",
                "-S",
                f"127.0.0.1:{port}",
                "kirby/router.php",
            ],
            cwd=site,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_for_port(port, process)
        yield KirbyServer(root=site, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port}")


class _Page(HTMLParser):
    """The visible text, links and asset references of one HTML page (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.assets: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TEXT_TAGS:
            self._skipping += 1
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in _ASSET_ATTRIBUTES:
                self.assets.append(value)
            elif tag == "a" and name == "href":
                self.links.append(value)
            elif name == "srcset":
                self.assets.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name == "alt":
                self.text.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TEXT_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.text.append(data)


@dataclass
class PageView:
    url: str
    status: int
    text: str
    links: list[str]
    assets: list[str]
    html: str


def view(response: Response) -> PageView:
    parser = _Page()
    parser.feed(response.text)
    return PageView(
        url=response.url,
        status=response.status,
        text=" ".join(" ".join(parser.text).split()),
        links=parser.links,
        assets=parser.assets,
        html=response.text,
    )


def visible_markup(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Markup or entities shown as text, except those the owner wrote as text themselves."""
    return [m.group(0) for m in VISIBLE_MARKUP.finditer(text) if m.group(0) not in allowed]


@dataclass
class Verdict:
    site: Path
    installed: Path
    inspection: dict[str, Any]
    pages: dict[str, PageView] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    assets: set[str] = field(default_factory=set)  # every asset URL a page shows or links

    def page(self, path: str) -> PageView:
        """The page at ``path`` (``/``, ``/projects``) as the crawl saw it."""
        return self.pages[path.rstrip("/") or "/"]


def _owner_written(site: Path) -> frozenset[str]:
    """Markup-like strings inside the material's own values: showing them is faithful."""
    path = site / ".kirbygen" / "content.json"
    if not path.is_file():
        return frozenset()
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.update(m.group(0) for m in VISIBLE_MARKUP.finditer(value))
        elif isinstance(value, dict):
            for nested in value.values():
                walk(nested)
        elif isinstance(value, list):
            for nested in value:
                walk(nested)

    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        walk(item.get("title"))
        walk(item.get("fields"))
    return frozenset(found)


def _model_problems(where: str, judged: dict[str, Any]) -> list[str]:
    problems = []
    if judged.get("error"):
        problems.append(f"{where}: {judged['error']}")
    for name, error in (judged.get("sections") or {}).items():
        problems.append(f"{where}: section '{name}': {error}")
    for name, error in (judged.get("form_errors") or {}).items():
        # A required value the material did not give is for the owner to add, not a fault
        # of the site; every other complaint (a number out of step, a bad date) is.
        rules = set(error) if isinstance(error, dict) else {"error"}
        if rules - {"required"}:
            problems.append(f"{where}: field '{name}' is invalid in the Panel: {error}")
    return problems


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


def judge_site(site: Path, workdir: Path) -> Verdict:
    """Everything real Kirby and a visitor find wrong with the generated ``site``."""
    installed = install_site(site, workdir / f"kirby-{site.name}")
    inspection = run_probe(installed, "inspect")
    verdict = Verdict(site=site, installed=installed, inspection=inspection)
    problems = verdict.problems
    for name, error in inspection["blueprints"].items():
        if error:
            problems.append(f"blueprint pages/{name}.yml: {error}")
    problems += _model_problems("site", inspection["site"])
    for page in inspection["pages"]:
        problems += _model_problems(f"page {page['id']}", page)
        for file in page["files"]:
            problems += _model_problems(f"file {page['id']}/{file['filename']}", file)

    allowed = _owner_written(site)
    with serve(installed) as server:
        origin = server.base_url
        expected: dict[str, tuple[int, str]] = {}
        for page in inspection["pages"]:
            if page["is_error"]:
                continue
            title = inspection["site"]["title"] if page["is_home"] else page["title"]
            if page["status"] == "draft":  # not public: Kirby answers as if it did not exist
                expected[_path(page["url"])] = (404, "")
            else:
                expected[_path(page["url"])] = (200, title)
        error_page = next(p for p in inspection["pages"] if p["is_error"])
        expected["/this-page-does-not-exist"] = (404, error_page["title"])

        queue = list(expected)
        seen: set[str] = set()
        assets: set[str] = set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = server.get(path)
            want_status, title = expected.get(path, (200, ""))
            if response.status != want_status:
                problems.append(f"{path}: answered {response.status}, expected {want_status}")
            if want_status != 200 and response.status == want_status and path in expected:
                if title and title not in view(response).text:
                    problems.append(f"{path}: the error page does not show '{title}'")
                continue
            if not response.content_type.startswith("text/html"):
                problems.append(f"{path}: served as {response.content_type!r}, not HTML")
                continue
            page_view = view(response)
            verdict.pages[path] = page_view
            if title and " ".join(title.split()) not in page_view.text:
                problems.append(f"{path}: the title '{title}' is not visible")
            for shown in visible_markup(page_view.text, allowed):
                problems.append(f"{path}: shows markup as text: {shown!r}")
            for link in page_view.links:
                target = urljoin(response.url, link)
                parts = urlsplit(target)
                if parts.scheme in ("mailto", "tel") or parts.netloc != urlsplit(origin).netloc:
                    continue
                if parts.path.startswith("/media/") or "." in parts.path.rsplit("/", 1)[-1]:
                    assets.add(target)
                elif not parts.path.startswith("/panel"):
                    queue.append(_path(target))
            assets.update(urljoin(response.url, a) for a in page_view.assets)
        verdict.assets = assets
        for asset in sorted(assets):
            problems += _asset_problems(server.get(asset))
        problems += server.log_problems()
    return verdict


_TYPES_BY_SUFFIX = {".css": "text/css", ".js": "application/javascript", ".svg": "image/svg+xml"}


def _asset_problems(response: Response) -> list[str]:
    path = urlsplit(response.url).path
    if response.status != 200:
        return [f"{path}: answered {response.status}"]
    served = response.content_type.split(";")[0].strip()
    suffix = Path(path).suffix.lower()
    wanted = _TYPES_BY_SUFFIX.get(suffix)
    if wanted is None:
        detected = identify(response.body)
        wanted = detected if detected.startswith("image/") or detected == "application/pdf" else ""
    if wanted and served != wanted and not (wanted.endswith("javascript") and "script" in served):
        return [f"{path}: served as {served!r}, its bytes are {wanted!r}"]
    return []
