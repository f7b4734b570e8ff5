"""`kirbygen` command line: generate a site, check a site folder, preview it with real Kirby,
list plugins, serve the API, migrate the database, deploy.

Start-up stays fast because nothing here, nor in any command's `add_parsers`, imports more
than the standard library: each command module (`entrypoints/*_cli.py`) registers its parsers
with `set_defaults(handler=...)`, and the handler imports what it uses inside its body. The
container, too, is built only once a command runs. `tests/unit/test_lazy_imports.py` fails when
a module-level import brings a heavy library back into `kirbygen --help` or `generate`.
To add a command: write `entrypoints/<name>_cli.py` after `generate_cli.py` and list its
`add_parsers` in COMMANDS below.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from entrypoints import (
    archive_cli,
    deploy_cli,
    generate_cli,
    server_cli,
    site_cli,
    skills_cli,
    smoke_cli,
)
from entrypoints.cli_support import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Parser, UsageError

log = logging.getLogger("kirbygen")

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

# Each registers its commands on the subparsers; the order is the order of `--help`.
COMMANDS: tuple[Callable[[Any], None], ...] = (
    generate_cli.add_parsers,
    site_cli.add_parsers,
    server_cli.add_parsers,
    deploy_cli.add_parsers,
    archive_cli.add_parsers,
    smoke_cli.add_parsers,
    skills_cli.add_parsers,
)


def build_parser() -> Parser:
    parser = Parser(prog="kirbygen", description="Turn raw material into a Kirby CMS site.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for add_parsers in COMMANDS:
        add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from config.settings import load_settings
    from domain.errors import KirbyGenError

    try:
        service = getattr(args, "skills_service", False)  # `skills-api` needs less
        settings = generate_cli.with_skills(
            load_settings(skills_service=service), getattr(args, "skills", None)
        )
    except UsageError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KirbyGenError as exc:
        print(f"kirbygen: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    from entrypoints.logging_setup import configure_logging

    configure_logging(settings)
    # Alembic names each of its plugins at INFO when first imported, which is now after this.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from config.container import build_container

    container = build_container(settings)
    try:
        return int(args.handler(args, container, settings))
    except UsageError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KirbyGenError as exc:
        log.debug("the command failed", exc_info=exc)  # its trace, with LOG_LEVEL=debug
        print(f"kirbygen: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        container.shutdown_resources()


if __name__ == "__main__":
    sys.exit(main())
