"""The web app published as a static site on another origin (``entrypoints.web_config``)
talks to the API through its CORS allow-list: sign-up, the session kept over a reload by the
refresh cookie, and a project created, all under the site's strict policy."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from entrypoints.web_config import publish, static_site_headers
from tests.e2e.browser.conftest import PageChecks, Server, free_port, start_server, stop_server

pytestmark = pytest.mark.slow


class _StaticSite(SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    root = tmp_path_factory.mktemp("cross-origin")
    port = free_port()
    site_origin = f"http://127.0.0.1:{port}"
    api, process = start_server(root / "data", cors_origins=(site_origin,))
    folder = publish(root / "site", api.url)
    handler = type("Site", (_StaticSite,), {"headers_to_send": static_site_headers(api.url)})
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(folder))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site_origin, api
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        stop_server(process)


def test_the_app_on_another_origin_uses_the_api(browser: Any, sites: tuple[str, Server]) -> None:
    from playwright.sync_api import expect

    site, api = sites
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    checks = PageChecks(page, "cross-origin")
    api_calls: list[str] = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    try:
        page.goto(site + "/#/register")
        expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
        page.get_by_label("Email").fill("noor@example.com")
        page.get_by_label("Password").fill("far-away-site-1")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", name="Your projects")).to_be_visible()

        page.reload()  # the access token lived in memory: the refresh cookie brings it back
        expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
        expect(page.get_by_text("noor@example.com")).to_be_visible()

        page.get_by_role("link", name="New project").first.click()
        page.get_by_label("Project name").fill("Noor")
        page.get_by_role("button", name="Create project").click()
        expect(page.get_by_role("heading", name="Add your material")).to_be_visible()
        checks.check("material")
    finally:
        context.close()
    assert api_calls and all(url.startswith(api.url) for url in api_calls)
