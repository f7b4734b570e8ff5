"""``kirbygen check``, ``preview`` and ``plugins``: look at a site folder, serve it with real
Kirby, list the installed skills. Each handler imports what it uses when it runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entrypoints.cli_support import EXIT_FAILED, EXIT_OK, UsageError

if TYPE_CHECKING:
    from config.container import Container
    from config.settings import Settings


def add_parsers(commands: Any) -> None:
    check = commands.add_parser("check", help="check a Kirby site folder")
    check.add_argument("site", type=Path)
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=check_site)

    preview = commands.add_parser(
        "preview", help="serve a generated site with PHP and a Kirby core (site and Panel)"
    )
    preview.add_argument("site", type=Path)
    preview.add_argument(
        "--kirby",
        type=Path,
        metavar="PATH",
        help="Kirby's core folder (default: KIRBYGEN_KIRBY_CORE, else the site's kirby/)",
    )
    preview.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    preview.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    preview.set_defaults(handler=preview_site)

    plugins = commands.add_parser("plugins", help="list installed skills and which one wins")
    plugins.add_argument("--json", action="store_true")
    plugins.set_defaults(handler=list_plugins)


def check_site(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from domain.issues import Severity
    from domain.serialization import to_data

    site: Path = args.site
    if not site.is_dir():
        raise UsageError(f"{site} is not a folder")
    issues = container.site_checker().check(site)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if args.json:
        print(json.dumps(to_data(issues), indent=2, sort_keys=True))
    else:
        for issue in issues:
            print(f"{issue.severity.value:<7} {issue.path}: {issue.message} [{issue.code}]")
        warnings = len(issues) - len(errors)
        print(f"{len(errors)} errors, {warnings} warnings in {site}")
    return EXIT_FAILED if errors else EXIT_OK


def preview_site(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from adapters.cms.kirby.preview import PreviewError, plan_preview, serve_preview

    try:
        plan = plan_preview(args.site, args.kirby)
    except PreviewError as exc:
        raise UsageError(str(exc)) from exc
    print(
        f"Serving {plan.site} with Kirby from {plan.core} at http://{args.host}:{args.port} "
        f"(Panel: /panel); Ctrl-C stops it.",
        flush=True,
    )
    return serve_preview(plan, args.host, args.port)


def list_plugins(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from domain.serialization import to_data

    slots = container.skills().describe()
    if args.json:
        print(json.dumps(to_data(slots), indent=2, sort_keys=True))
        return EXIT_OK
    for slot in slots:
        print(f"{slot.slot}")
        for plugin, skill in slot.implementations:
            mark = "*" if skill == slot.winner else " "
            family = f" [{slot.family}]" if skill == slot.winner and slot.family else ""
            print(f"  {mark} {skill}  (plugin {plugin}){family}")
    print(f"* = the implementation in use; skills: {settings.skills.value}")
    return EXIT_OK
