"""``kirbygen backup``: the whole database to the backup bucket (and back).

Each step prints one line on stdout; a failure prints one ``kirbygen:`` line on stderr and
exits non-zero. Heavy modules are imported inside the handlers so ``kirbygen --help`` stays
fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings

EXIT_OK, EXIT_USAGE = 0, 2


def add_parsers(commands: Any) -> None:
    backup = commands.add_parser(
        "backup",
        help="dump the PostgreSQL database (DATABASE_URL) to BACKUP_S3_BUCKET, verify it and "
        "prune dumps older than BACKUP_KEEP_DAYS",
    )
    action = backup.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list the dumps in the bucket")
    action.add_argument(
        "--restore",
        metavar="KEY",
        help="restore this dump into the (new, empty) database at DATABASE_URL",
    )
    backup.set_defaults(handler=backup_command)


def backup_command(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from domain.errors import InvalidInput

    try:
        service = container.database_backup()
    except InvalidInput as exc:  # the settings it needs are missing: a usage error
        print(f"kirbygen: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    if args.list:
        for dump in service.list_dumps():
            print(f"{dump.key}  {dump.taken:%Y-%m-%d %H:%M:%S} UTC")
    elif args.restore:
        service.restore(args.restore)
    else:
        service.run()
    return EXIT_OK
