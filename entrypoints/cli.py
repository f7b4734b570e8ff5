"""`kirbygen` command line: generate a site, check a site folder, preview it with real Kirby,
list plugins, serve the API, migrate the database."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs

from application.generate import ARTEFACT_DIR, GenerationOutcome
from application.pipeline import PipelineInput
from config.container import Container, build_container
from config.settings import Settings, SkillsMode, load_settings
from domain.design import BrandInputs
from domain.errors import KirbyGenError, RunDeferred
from domain.issues import Severity
from domain.serialization import to_data
from entrypoints import deploy_cli
from entrypoints.brand_images import read_brand_images
from entrypoints.terminal import SilentProgress, TerminalProgress

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
HEX_COLOUR = re.compile(r"^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

log = logging.getLogger("kirbygen")


class UsageError(Exception):
    """A mistake in how the command was called; reported as one line, exit code 2."""


def _colour(value: str) -> str:
    if not HEX_COLOUR.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a hex colour like #1f6feb")
    digits = value.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kirbygen", description="Turn raw material into a Kirby CMS site.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    gen = commands.add_parser("generate", help="generate a Kirby site from a folder of material")
    gen.add_argument("source", type=Path, help="folder (or file) of material")
    gen.add_argument("--out", type=Path, required=True, help="folder to write the site into")
    gen.add_argument("--name", help="the site's name (default: from the source folder)")
    gen.add_argument(
        "--brand-color", type=_colour, action="append", default=[], help="brand colour, hex"
    )
    gen.add_argument("--font", help="brand font family")
    gen.add_argument(
        "--moodboard",
        type=Path,
        action="append",
        default=[],
        metavar="IMG",
        help="a moodboard image (repeatable); its colours shape the palette",
    )
    gen.add_argument("--logo", type=Path, metavar="IMG", help="the logo image")
    gen.add_argument("--json", action="store_true", help="print a machine-readable report")
    gen.add_argument(
        "--skills",
        choices=[m.value for m in SkillsMode],
        help="which skills map, structure and design: claude (needs ANTHROPIC_API_KEY), "
        "offline, or auto (claude when a key is set; default: KIRBYGEN_SKILLS)",
    )
    gen.add_argument(
        "--static-out", type=Path, help="also export the site as static HTML into this folder"
    )

    check = commands.add_parser("check", help="check a Kirby site folder")
    check.add_argument("site", type=Path)
    check.add_argument("--json", action="store_true")

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

    plugins = commands.add_parser("plugins", help="list installed skills and which one wins")
    plugins.add_argument("--json", action="store_true")

    serve = commands.add_parser("serve", help="run the HTTP API with an in-process worker")
    serve.add_argument("--host", help="address to listen on (default: HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT or 8000)")

    commands.add_parser(
        "worker", help="work on queued runs from the SAQ queue named by QUEUE_URL (no arguments)"
    )

    deploy_cli.add_parsers(commands)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_commands.add_parser("upgrade", help="migrate the database to the latest revision")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        settings = load_settings()
    except UsageError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KirbyGenError as exc:
        print(f"kirbygen: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = _with_skills(settings, getattr(args, "skills", None))
    except UsageError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=settings.log_level, stream=sys.stderr, format="%(message)s")
    # One line per HTTP request of the model client is noise next to our own call log.
    logging.getLogger("httpx2").setLevel(max(logging.WARNING, logging.root.level))
    container = build_container(settings)
    handlers = {
        "generate": _generate,
        "check": _check,
        "preview": _preview,
        "plugins": _plugins,
        "serve": _serve,
        "worker": _worker,
        "db": _db,
        "deploy": deploy_cli.deploy,
        "versions": deploy_cli.versions,
    }
    try:
        return handlers[args.command](args, container, settings)
    except UsageError as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KirbyGenError as exc:
        print(f"kirbygen: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        container.shutdown_resources()


def _with_skills(settings: Settings, skills: str | None) -> Settings:
    if skills is None:
        return settings
    mode = SkillsMode(skills)
    if mode is SkillsMode.CLAUDE and not settings.claude.api_key:
        raise UsageError(
            "--skills claude needs an API key: set ANTHROPIC_API_KEY (or CLAUDE_API_KEY)"
        )
    return attrs.evolve(settings, skills=mode)


def _default_name(source: Path) -> str:
    stem = source.resolve().stem if source.is_file() else source.resolve().name
    return re.sub(r"[-_]+", " ", stem).strip().title() or "My Site"


def _generate(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    source: Path = args.source
    out: Path = args.out
    try:
        material = container.material_reader(source)
    except KirbyGenError as exc:
        raise UsageError(exc.message) from None
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    static_out: Path | None = args.static_out
    if static_out is not None:
        if static_out.exists() and not static_out.is_dir():
            raise UsageError(f"--static-out {static_out} exists and is not a folder")
        if static_out.resolve() == out.resolve():
            raise UsageError("--static-out must be another folder than --out")
    try:
        brand_images = read_brand_images(args.moodboard, args.logo, settings.limits.max_file_bytes)
    except KirbyGenError as exc:
        raise UsageError(exc.message) from None
    out.mkdir(parents=True, exist_ok=True)
    request = PipelineInput(
        # --name wins; without it the site is named as the material names it, and only when
        # the material names nobody after the folder.
        name=args.name or "",
        fallback_name=_default_name(source),
        sources=material.sources,
        rejected=material.rejected,
        brand=BrandInputs(
            colors=tuple(args.brand_color),
            font=args.font,
            moodboard=brand_images.moodboard,
            logo=brand_images.logo,
        ),
        brand_images=brand_images.files,
    )
    progress = SilentProgress() if args.json else TerminalProgress()
    checkpoints = container.checkpoint_storage(root=out / ARTEFACT_DIR / "cache")
    try:
        outcome = container.generate_site()(
            request, out, checkpoints=checkpoints, progress=progress, static_out=static_out
        )
    except RunDeferred as exc:
        # No queue to come back later from the command line: say when to try again.
        raise KirbyGenError(f"{exc.message}; run the command again then") from None
    finally:
        if isinstance(progress, TerminalProgress):
            progress.finish()
    if args.json:
        print(json.dumps(_json_outcome(outcome, out, static_out), indent=2, sort_keys=True))
    else:
        _print_summary(outcome, out)
        _print_static_and_hand_edits(outcome, static_out)
    return EXIT_OK


def _json_outcome(
    outcome: GenerationOutcome, out: Path, static_out: Path | None = None
) -> dict[str, object]:
    return {
        "out": str(out),
        "report": to_data(outcome.report),
        "files": {
            "written": list(outcome.written.written),
            "unchanged": len(outcome.written.unchanged),
            "removed": list(outcome.written.removed),
        },
        "reused_phases": [p.value for p in outcome.reused],
        "static": None
        if outcome.static is None
        else {
            "out": str(static_out),
            "written": list(outcome.static.written),
            "unchanged": len(outcome.static.unchanged),
            "removed": list(outcome.static.removed),
        },
    }


def _print_summary(outcome: GenerationOutcome, out: Path) -> None:
    report = outcome.report
    print(f"Generated '{report.name}' into {out} ({report.cms})")
    entities = ", ".join(
        f"{e.name} ({e.items} {'item' if e.items == 1 else 'items'})" for e in report.entities
    )
    print(f"  entities : {entities}")
    print(f"  items    : {report.items}   pages: {report.pages}")
    colours = ", ".join(f"{role} {hex_}" for role, hex_ in report.colours.items())
    print(f"  colours  : {colours}")
    if report.fonts:
        print(f"  fonts    : {report.fonts.get('heading', '')} / {report.fonts.get('body', '')}")
    written = outcome.written
    print(
        f"  files    : {len(written.written)} written, {len(written.unchanged)} unchanged,"
        f" {len(written.removed)} removed"
    )
    if outcome.reused:
        print(f"  reused   : {', '.join(p.value for p in outcome.reused)} (inputs unchanged)")
    usage = report.usage
    if usage.calls or usage.retries:
        cached = usage.cache_read_input_tokens
        print(
            f"  model    : {usage.calls} calls, {usage.input_tokens} in + {cached} cached"
            f" + {usage.cache_creation_input_tokens} cache-write / {usage.output_tokens} out"
            f" tokens, {usage.retries} retries, ~${usage.cost_usd:.4f}"
        )
    if report.warnings:
        print(f"  warnings ({len(report.warnings)}):")
        for warning in report.warnings:
            print(f"    - {warning}")
    print(f"  details  : {out / ARTEFACT_DIR / 'report.json'}")


def _print_static_and_hand_edits(outcome: GenerationOutcome, static_out: Path | None) -> None:
    if outcome.static is not None:
        static = outcome.static
        print(
            f"  static   : {static_out} ({len(static.written)} written,"
            f" {len(static.unchanged)} unchanged, {len(static.removed)} removed)"
        )
    edits = outcome.report.hand_edits
    if edits.empty:
        return
    print(f"  hand edits kept in {len(edits.kept_edits)} file(s)")
    for path in edits.kept_deleted:
        print(f"    - {path}: you deleted it; not made again")
    for path in edits.kept_orphaned:
        print(f"    - {path}: no longer generated, but edited by you; kept")
    if edits.conflicts:
        print(f"  conflicts ({len(edits.conflicts)}): your value was kept in each")
        for conflict in edits.conflicts:
            generated = " ".join(conflict.generated.split())[:60]
            print(f"    - {conflict.path}: {conflict.field} (generated: {generated!r})")


def _check(args: argparse.Namespace, container: Container, settings: Settings) -> int:
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


def _preview(args: argparse.Namespace, container: Container, settings: Settings) -> int:
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


def _plugins(args: argparse.Namespace, container: Container, settings: Settings) -> int:
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


def _serve(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from entrypoints.http.server import serve

    serve(
        container,
        settings,
        host=args.host or settings.http.host,
        port=args.port or settings.http.port,
    )
    return EXIT_OK


def _worker(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from config.container import runs_in_process
    from entrypoints.http.logs import configure_logging
    from entrypoints.worker import run_worker

    if runs_in_process(settings):
        raise UsageError(
            "QUEUE_URL is empty, so `kirbygen serve` works on runs itself; set QUEUE_URL to "
            "redis://… or postgresql://… to queue runs for separate workers"
        )
    configure_logging(settings.log_level, settings.log_format)
    run_worker(container, settings)
    return EXIT_OK


def _db(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    container.migrate_database()
    print(f"database at the latest revision ({_safe_url(settings.effective_database_url)})")
    return EXIT_OK


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
