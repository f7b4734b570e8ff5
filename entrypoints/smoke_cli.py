"""``kirbygen smoke [--api-url URL]``: check a running Kirby-Gen end to end (see
``entrypoints/smoke.py``). Exit 0 only when every step, clean-up included, passed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entrypoints.cli_support import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings


def add_parsers(commands: Any) -> None:
    smoke = commands.add_parser(
        "smoke",
        help="check a running instance end to end: health, ready, an account, a project, "
        "a run followed over the WebSocket, the site zip, then clean up",
    )
    smoke.add_argument("--api-url", help="the API's public address (default: API_URL)")
    smoke.add_argument(
        "--material",
        type=Path,
        help="folder of material to upload (default: examples/material)",
    )
    smoke.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long the run may take (default: 600)",
    )
    smoke.set_defaults(handler=smoke_command)


def smoke_command(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    """Needs neither: the instance checked is reached over HTTP only."""
    from entrypoints.smoke import DEFAULT_MATERIAL, SmokeConfig, api_base, run_smoke

    api_url = args.api_url or os.environ.get("API_URL", "")
    if not api_url:
        print("kirbygen: smoke needs the API's address: --api-url URL or API_URL", file=sys.stderr)
        return EXIT_USAGE
    try:
        api_base(api_url)
    except ValueError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.timeout <= 0:
        print("kirbygen: --timeout must be positive", file=sys.stderr)
        return EXIT_USAGE
    config = SmokeConfig(
        api_url=api_url, material=args.material or DEFAULT_MATERIAL, timeout_seconds=args.timeout
    )
    return EXIT_OK if run_smoke(config, sys.stdout) else EXIT_FAILED
