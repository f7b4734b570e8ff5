"""``kirbygen generate``: a Kirby site (and, with --static-out, static HTML) from a folder of
material, offline or with Claude. The handler imports the pipeline only when it runs."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entrypoints.cli_support import EXIT_OK, UsageError

if TYPE_CHECKING:
    from application.generate import GenerationOutcome
    from config.container import Container
    from config.settings import Settings

HEX_COLOUR = re.compile(r"^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# The values of config.settings.SkillsMode, spelled out so that `--help` need not import it
# (tests/unit/test_cli_parser.py keeps the two equal).
SKILLS_MODES = ("auto", "claude", "offline")


def _colour(value: str) -> str:
    if not HEX_COLOUR.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a hex colour like #1f6feb")
    digits = value.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def add_parsers(commands: Any) -> None:
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
        choices=SKILLS_MODES,
        help="which skills map, structure and design: claude (needs ANTHROPIC_API_KEY), "
        "offline, or auto (claude when a key is set; default: KIRBYGEN_SKILLS)",
    )
    gen.add_argument(
        "--static-out", type=Path, help="also export the site as static HTML into this folder"
    )
    gen.set_defaults(handler=generate)


def with_skills(settings: Settings, skills: str | None) -> Settings:
    """The settings with --skills applied; claude without an API key is a usage error."""
    if skills is None:
        return settings
    import attrs

    from config.settings import SkillsMode

    mode = SkillsMode(skills)
    if mode is SkillsMode.CLAUDE and not settings.claude.api_key:
        raise UsageError(
            "--skills claude needs an API key: set ANTHROPIC_API_KEY (or CLAUDE_API_KEY)"
        )
    return attrs.evolve(settings, skills=mode)


def _default_name(source: Path) -> str:
    stem = source.resolve().stem if source.is_file() else source.resolve().name
    return re.sub(r"[-_]+", " ", stem).strip().title() or "My Site"


def generate(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    from application.generate import ARTEFACT_DIR
    from application.pipeline import PipelineInput
    from domain.design import BrandInputs
    from domain.errors import KirbyGenError, RunDeferred
    from entrypoints.brand_images import read_brand_images
    from entrypoints.terminal import SilentProgress, TerminalProgress

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
        _print_summary(outcome, out, ARTEFACT_DIR)
        _print_static_and_hand_edits(outcome, static_out)
    return EXIT_OK


def _json_outcome(
    outcome: GenerationOutcome, out: Path, static_out: Path | None = None
) -> dict[str, object]:
    from domain.serialization import to_data

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


def _print_summary(outcome: GenerationOutcome, out: Path, artefact_dir: str) -> None:
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
    if report.phases:
        from entrypoints.terminal import phases_summary

        print(f"  phases   : {phases_summary(report.phases)}")
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
    print(f"  details  : {out / artefact_dir / 'report.json'}")


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
