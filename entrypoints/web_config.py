"""Publish the web app as a static site: copy ``entrypoints/web/`` and write its
``config.js`` with the API's address.

    python -m entrypoints.web_config OUT_DIR

reads ``API_URL`` and ``WS_URL`` (or the seed's ``VITE_API_URL`` / ``VITE_WS_URL``); an empty
WebSocket address is derived from the API's. The API must list the site's origin in
``CORS_ORIGINS``. The static host should send the policy of ``static_site_headers``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from entrypoints.http.web import WEB_DIR, content_security_policy

CONFIG_FILE = "config.js"


class ConfigError(ValueError):
    pass


def _origin(url: str, name: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(f"{name} must be an absolute {' or '.join(schemes)} URL, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def config_script(api_url: str, ws_url: str = "") -> str:
    """The ES module the app imports to find the API."""
    api = api_url.rstrip("/")
    ws = ws_url.rstrip("/")
    if api:
        _origin(api, "API_URL", ("http", "https"))
    if ws:
        _origin(ws, "WS_URL", ("ws", "wss"))
    return (
        "// Where the API lives; written by python -m entrypoints.web_config.\n"
        f"export default {{\n  apiUrl: {json.dumps(api)},\n  wsUrl: {json.dumps(ws)},\n}};\n"
    )


def api_origins(api_url: str, ws_url: str = "") -> list[str]:
    """The origins the page must be allowed to reach: the API and its WebSocket."""
    if not api_url:
        return []
    api = _origin(api_url, "API_URL", ("http", "https"))
    ws = _origin(ws_url, "WS_URL", ("ws", "wss")) if ws_url else api.replace("http", "ws", 1)
    return [api, ws]


def static_site_headers(api_url: str, ws_url: str = "") -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(api_origins(api_url, ws_url)),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def publish(out_dir: Path, api_url: str, ws_url: str = "") -> Path:
    """The app's files in ``out_dir`` (replaced), configured for the API at ``api_url``."""
    script = config_script(api_url, ws_url)  # checked before anything is written
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(WEB_DIR, out_dir)
    (out_dir / CONFIG_FILE).write_text(script, encoding="utf-8")
    return out_dir


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    environ = os.environ if env is None else env
    if len(args) != 1:
        print("usage: python -m entrypoints.web_config OUT_DIR", file=sys.stderr)
        return 2
    api_url = environ.get("API_URL") or environ.get("VITE_API_URL", "")
    ws_url = environ.get("WS_URL") or environ.get("VITE_WS_URL", "")
    try:
        publish(Path(args[0]), api_url, ws_url)
    except ConfigError as error:
        print(f"web_config: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
