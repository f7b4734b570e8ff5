"""``kirbygen serve``, ``worker`` and ``db upgrade``: the API, the queue's worker and the
database's schema. Each handler imports the server, worker or migrations when it runs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from entrypoints.cli_support import EXIT_OK, Parser, UsageError

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings


def add_parsers(commands: Any) -> None:
    serve_parser = commands.add_parser("serve", help="run the HTTP API with an in-process worker")
    serve_parser.add_argument("--host", help="address to listen on (default: HOST or 0.0.0.0)")
    serve_parser.add_argument("--port", type=int, help="port to listen on (default: PORT or 8000)")
    serve_parser.set_defaults(handler=serve)

    worker_parser = commands.add_parser(
        "worker", help="work on queued runs from the SAQ queue named by QUEUE_URL (no arguments)"
    )
    worker_parser.set_defaults(handler=worker)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=Parser)
    upgrade = db_commands.add_parser("upgrade", help="migrate the database to the latest revision")
    upgrade.set_defaults(handler=db_upgrade)


def serve(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from entrypoints.http.server import serve as serve_http

    serve_http(
        container,
        settings,
        host=args.host or settings.http.host,
        port=args.port or settings.http.port,
    )
    return EXIT_OK


def worker(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from config.container import runs_in_process
    from entrypoints.logging_setup import configure_logging
    from entrypoints.worker import run_worker

    if runs_in_process(settings):
        raise UsageError(
            "QUEUE_URL is empty, so `kirbygen serve` works on runs itself; set QUEUE_URL to "
            "redis://… or postgresql://… to queue runs for separate workers"
        )
    configure_logging(settings, service=True)
    run_worker(container, settings)
    return EXIT_OK


def db_upgrade(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    container.migrate_database()
    print(f"database at the latest revision ({_safe_url(settings.effective_database_url)})")
    return EXIT_OK


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
