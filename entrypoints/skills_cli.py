"""``kirbygen skills-api``: its parser. The service (Starlette, uvicorn, the plugins) is
imported only when it runs, from ``entrypoints/skills/``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from entrypoints.cli_support import EXIT_OK

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings


def add_parsers(commands: Any) -> None:
    api = commands.add_parser(
        "skills-api",
        help="serve the skills over HTTP to the API and workers (a private service; "
        "needs SKILLS_API_TOKEN)",
    )
    api.add_argument("--host", help="address to listen on (default: HOST or 0.0.0.0)")
    api.add_argument("--port", type=int, help="port to listen on (default: PORT or 8001)")
    # Read before the settings load: this service holds no database, sessions or queue.
    api.set_defaults(handler=skills_api, skills_service=True)


def skills_api(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from entrypoints.skills.server import serve_skills

    serve_skills(
        container,
        settings,
        host=args.host or settings.http.host,
        port=args.port or settings.backends.skills.port,
    )
    return EXIT_OK
