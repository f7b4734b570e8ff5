"""The example site in Chromium, served by real Kirby: what visitors see and what the owner edits.

* Every page of the site at 1280 and 375 px: no sideways scrolling; the home page shows the
  owner's name, an introduction and image cards. Screenshots of the home page, a listing and
  an item page go to ``artifacts/kirby/`` (``KIRBYGEN_ARTIFACTS_DIR``), never committed.
* Every page (and file) of the site opened in the real Panel, logged in as an admin created
  through Kirby's API: no console error, no failed request, no field marked invalid.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service
from tests.e2e.kirby.conftest import OWNER
from tests.support.real_kirby import KirbyServer, install_site, run_probe, serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(os.environ.get("KIRBYGEN_ARTIFACTS_DIR") or ROOT / "artifacts") / "kirby"
WIDTHS = (1280, 375)
ADMIN = "owner@example.com"
# Photographed at every width; the rest of the pages are only measured.
SHOT_PAGES = {"home": "/", "listing": "/projects", "item": "/projects/harbour-lamps"}


def _chromium_ready() -> None:
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"{CHROMIUM} (apt-get install chromium)")
    import playwright.sync_api  # noqa: F401  (installed with the dev extra)


@pytest.fixture(scope="module")
def running(
    example_site: Path, kirby_core: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[KirbyServer, dict[str, Any], str]]:
    require_service("Chromium", _chromium_ready)
    installed = install_site(example_site, tmp_path_factory.mktemp("browser") / "site")
    password = secrets.token_urlsafe(16)
    run_probe(installed, "admin", ADMIN, password)
    inspection = run_probe(installed, "inspect")
    with serve(installed) as server:
        yield server, inspection, password
        assert server.log_problems() == []


@pytest.fixture(scope="module")
def browser(running: tuple[KirbyServer, dict[str, Any], str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _public_paths(inspection: dict[str, Any]) -> list[str]:
    return [
        p["url"] or "/" for p in inspection["pages"] if p["status"] != "draft" and not p["is_error"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_site_fits_every_screen_and_the_home_page_introduces_the_owner(
    running: tuple[KirbyServer, dict[str, Any], str], browser: Any, width: int
) -> None:
    server, inspection, _ = running
    tab = browser.new_page(viewport={"width": width, "height": 900})
    failed: list[str] = []
    tab.on("requestfailed", lambda request: failed.append(request.url))
    tab.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    overflowing = []
    for path in _public_paths(inspection):
        tab.goto(server.base_url + path, wait_until="networkidle")
        scroll = tab.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            overflowing.append(f"{path}: {scroll}px")
        for name, shot_path in SHOT_PAGES.items():
            if path.rstrip("/") == shot_path.rstrip("/"):
                shot = ARTIFACTS / f"{name}-{width}.png"
                tab.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 5000
    assert overflowing == []
    assert failed == []

    tab.goto(server.base_url + "/", wait_until="networkidle")
    assert tab.locator("h1").first.inner_text().strip() == OWNER
    assert len(tab.locator(".intro__text").inner_text().strip()) > 40
    loaded_cards = tab.evaluate(
        "[...document.querySelectorAll('.card img')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )
    assert loaded_cards >= 1
    tab.close()


def test_every_page_opens_in_the_panel_without_errors_or_invalid_fields(
    running: tuple[KirbyServer, dict[str, Any], str], browser: Any
) -> None:
    server, inspection, password = running
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    tab.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "requestfailed",
        lambda request: (
            problems.append(f"failed ({request.failure}): {request.url}")
            # Leaving a view cancels what it still loads (a thumbnail, a section); not a failure.
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    tab.on(
        "response",
        lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
    )

    tab.goto(server.base_url + "/panel/login", wait_until="networkidle")
    tab.fill("input[type=email]", ADMIN)
    tab.fill("input[type=password]", password)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/panel/site", timeout=30_000)

    views = ["/panel/site"]
    for page in inspection["pages"]:
        view = "/panel/pages/" + page["id"].replace("/", "+")
        views.append(view)
        views.extend(f"{view}/files/{file['filename']}" for file in page["files"])
    opened = []
    for view in views:
        tab.goto(server.base_url + view, wait_until="networkidle")
        tab.wait_for_selector(".k-panel-main, .k-view", timeout=15_000)
        # The Panel marks a field invalid through the browser's own validity (a number out
        # of step, a required field left empty), and a view it cannot build as an error view.
        invalid = tab.locator(
            "input:invalid, textarea:invalid, select:invalid, [data-invalid='true']"
        ).count()
        if invalid:
            problems.append(f"{view}: {invalid} field(s) marked invalid")
        if tab.locator(".k-error-view").count():
            problems.append(f"{view}: the Panel shows an error view")
        opened.append(view)
    assert problems == []
    assert len(opened) == len(views) > 5
    tab.close()
