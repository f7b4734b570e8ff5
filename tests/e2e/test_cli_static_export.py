"""`kirbygen generate … --static-out DIR` on the example material: a static site that works
from disk, from any sub-path of a web server, and at phone and desktop widths."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import require_service
from tests.e2e.conftest import EXAMPLE, run_kirbygen
from tests.support.static_links import broken_references, is_internal, references

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PREFIX = "/some/prefix/"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("static")
    result = run_kirbygen(
        "generate",
        EXAMPLE,
        "--out",
        work / "site",
        "--static-out",
        work / "public",
        "--name",
        "Mara Lindqvist",
        "--brand-color",
        "#b4532a",
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert "static   : " in result.stdout
    return work / "public"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(exported: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The export served by http.server on 127.0.0.1 below ``PREFIX``; yields its URL."""
    www = tmp_path_factory.mktemp("www")
    shutil.copytree(exported, www / PREFIX.strip("/"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_every_page_of_the_material_is_exported(exported: Path) -> None:
    pages = {p.relative_to(exported).as_posix() for p in exported.rglob("*.html")}
    assert {"index.html", "404.html", "projects/index.html", "about/index.html"} <= pages
    assert "projects/harbour-lamps/index.html" in pages
    assert len([p for p in pages if p.startswith("writing/")]) == 3
    home = (exported / "index.html").read_text(encoding="utf-8")
    assert "<title>Mara Lindqvist</title>" in home


def test_no_internal_link_or_asset_is_broken_on_disk(exported: Path) -> None:
    assert broken_references(exported) == []


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except HTTPError as error:
        error.close()
        return error.code


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def test_every_link_works_when_served_below_a_prefix(exported: Path, served: str) -> None:
    broken: list[str] = []
    checked: set[str] = set()
    for page in sorted(exported.rglob("*.html")):
        if page.name == "404.html":
            continue  # served for unknown addresses; its links follow the address asked for
        url = urljoin(served, page.relative_to(exported).as_posix())
        for reference in references(_fetch(url)):
            if not is_internal(reference):
                continue
            target = urljoin(url, reference)
            assert urlsplit(target).path.startswith(PREFIX), (url, reference)
            if target not in checked:
                checked.add(target)
                if _status(target) != 200:
                    broken.append(f"{url} -> {reference}")
    assert broken == []
    assert len(checked) > 10


def _chromium_ready() -> None:
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"{CHROMIUM} (apt-get install chromium)")
    import playwright.sync_api  # noqa: F401  (installed with the dev extra)


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_render_without_horizontal_scroll(served: str, width: int, tmp_path: Path) -> None:
    require_service("Chromium", _chromium_ready)
    from playwright.sync_api import sync_playwright

    pages = ["index.html", "projects/index.html", "projects/harbour-lamps/index.html"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": width, "height": 900})
            for path in pages:
                tab.goto(urljoin(served, path), wait_until="load")
                shot = tmp_path / f"{path.replace('/', '_')}-{width}.png"
                tab.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 1000
                scroll_width = tab.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= width, f"{path} scrolls sideways at {width}px"
                heading = tab.locator("h1.page__title")
                assert heading.is_visible()
                box = heading.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
                # The stylesheets loaded: the theme's custom properties are in effect.
                font = tab.evaluate("getComputedStyle(document.body).fontFamily")
                assert "Times New Roman" not in font, font
                assert tab.locator("nav.site-nav a").count() >= 3
        finally:
            browser.close()
