"""``kirbygen deploy SITE`` and ``kirbygen versions``: their parsers. The work is in
deploy_run.py, imported only when one of them runs (it needs git, the database, views)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings

# config.deploy_settings.DEPLOY_TARGETS, spelled out so that `--help` need not import it
# (tests/unit/test_cli_parser.py keeps the two equal).
DEPLOY_TARGETS = ("local", "render", "s3")


def add_parsers(commands: Any) -> None:
    deploy_parser = commands.add_parser(
        "deploy", help="publish a generated site: local, render or s3"
    )
    deploy_parser.add_argument("site", type=Path, help="a site folder made by kirbygen generate")
    deploy_parser.add_argument("--target", choices=DEPLOY_TARGETS, help="default: DEPLOY_TYPE")
    deploy_parser.add_argument("--json", action="store_true", help="print the deployment record")
    deploy_parser.add_argument(
        "--rollback", metavar="ID", help="roll back to an earlier deployment (render)"
    )
    deploy_parser.set_defaults(handler=deploy)
    versions_parser = commands.add_parser(
        "versions", help="the versions of a project's site (or a site folder), or a diff"
    )
    versions_parser.add_argument(
        "what", help="a project id, or a site folder deployed with kirbygen"
    )
    versions_parser.add_argument("range", nargs="?", help="A..B (run or commit ids) to see a diff")
    versions_parser.add_argument("--json", action="store_true")
    versions_parser.set_defaults(handler=versions)


def deploy(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from entrypoints.deploy_run import deploy as run

    return run(args, container, settings)


def versions(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from entrypoints.deploy_run import versions as run

    return run(args, container, settings)
