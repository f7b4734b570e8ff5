"""The web app's files (``entrypoints/web/``), served by ``kirbygen serve`` beside the API.

One route per file that exists when the app starts — never a catch-all — so every address
under ``/api`` keeps the API's own answers (404 and 405 envelopes included). The folder has no
build step: it is published unchanged as a static site, with ``config.js`` rewritten to name
the API (see ``entrypoints/web_config.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
INDEX = "index.html"
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".ico": "image/x-icon",
    ".png": "image/png",
}


def content_security_policy(api_origins: Iterable[str] = ()) -> str:
    """The strict policy the app is written for: its own scripts and styles only (no inline
    code, no style attributes), the API (and its WebSocket) to talk to, previews to frame."""
    apis = " ".join(api_origins)
    connect = f"'self' {apis}".strip()
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob:; font-src 'self'; connect-src {connect}; "
        f"frame-src {connect}; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


Endpoint = Callable[[Request], Awaitable[Response]]


def _file_endpoint(path: Path) -> Endpoint:
    media_type = _MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    policy = content_security_policy()

    async def endpoint(request: Request) -> Response:
        return FileResponse(
            path,
            media_type=media_type,
            headers={
                "content-security-policy": policy,
                # Small files without hashed names: always revalidate, never serve a stale app.
                "cache-control": "no-cache",
            },
        )

    return endpoint


def web_routes(directory: Path = WEB_DIR) -> list[Route]:
    """``/`` for the app's page and one route per file of the folder."""
    if not (directory / INDEX).is_file():
        return []
    routes = [Route("/", _file_endpoint(directory / INDEX), methods=["GET", "HEAD"])]
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in _MEDIA_TYPES:
            address = "/" + path.relative_to(directory).as_posix()
            routes.append(Route(address, _file_endpoint(path), methods=["GET", "HEAD"]))
    return routes
