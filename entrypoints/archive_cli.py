"""``kirbygen backup``: the whole database to the backup bucket (and back); ``kirbygen export``
and ``kirbygen import``: one project as one portable archive (see application/project_archive).

Each step prints one line on stdout; a failure prints one ``kirbygen:`` line on stderr and
exits non-zero. Heavy modules are imported inside the handlers so ``kirbygen --help`` stays
fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
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

    export = commands.add_parser(
        "export", help="write one project (rows, uploads, runs, site, versions) into an archive"
    )
    export.add_argument("project", help="the project's id")
    export.add_argument(
        "--out", type=Path, help="the archive to write (default: kirbygen-<id>-<time>.zip here)"
    )
    export.set_defaults(handler=export_command)

    import_ = commands.add_parser(
        "import", help="restore a project from an archive made by kirbygen export"
    )
    import_.add_argument("archive", type=Path)
    import_.add_argument(
        "--replace", action="store_true", help="overwrite a project with the same id"
    )
    import_.set_defaults(handler=import_command)


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


def export_command(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from datetime import UTC, datetime

    project: str = args.project
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out: Path = args.out or Path(f"kirbygen-{project}-{stamp}.zip")
    if out.exists():
        print(f"kirbygen: {out} exists; name another file with --out", file=sys.stderr)
        return EXIT_USAGE
    if not out.parent.is_dir():
        print(f"kirbygen: no folder {out.parent} to write {out.name} into", file=sys.stderr)
        return EXIT_USAGE
    # Written beside its final name and renamed when whole: a failed export leaves nothing.
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("wb") as file:
            summary = container.project_archive().export(project, file)
        partial.rename(out)
    finally:
        partial.unlink(missing_ok=True)
    history = "with" if summary.commits else "without"
    print(f"exported project {project} to {out}: {summary.members} members, "
          f"{summary.bytes} bytes, {history} version history")  # fmt: skip
    return EXIT_OK


def import_command(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    archive: Path = args.archive
    if not archive.is_file():
        print(f"kirbygen: {archive} is not a file", file=sys.stderr)
        return EXIT_USAGE
    import logging

    # A fresh database takes an import; its migration's progress is not what was asked for.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    container.migrate_database()
    with archive.open("rb") as file:
        summary = container.project_archive().import_(file, replace=args.replace)
    verb = "replaced" if summary.replaced else "imported"
    print(f"{verb} project {summary.project_id}: {summary.objects} stored objects, "
          f"{summary.runs} runs, {summary.deployments} deployments, "
          f"{'with' if summary.commits else 'without'} version history")  # fmt: skip
    return EXIT_OK
