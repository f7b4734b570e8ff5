"""Use case: generate a site from material into a folder (the CLI's `generate`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from application.checkpoints import CheckpointStore
from application.hand_edits import KeepHandEdits
from application.pipeline import PipelineInput, PipelineResult
from application.progress import RunProgress
from application.report import (
    PALETTE_ROLES,
    EntitySummary,
    GenerationReport,
    PhaseTiming,
    count_pages,
    set_aside_texts,
)
from application.static_export import ExportStaticSite
from application.tools import GenerationTools
from domain.design import DesignSystem
from domain.ports import Clock, ProgressSink, Storage
from domain.project import Phase
from domain.serialization import to_json, to_layered_json
from domain.site import SiteFile, WriteSummary

# Intermediate artefacts live beside the site, in a folder Kirby never serves.
ARTEFACT_DIR = ".kirbygen"
REPORT_PATH = f"{ARTEFACT_DIR}/report.json"
STATIC_EXPORT_PHASE = "static-export"


@attrs.frozen
class GenerationOutcome:
    report: GenerationReport
    written: WriteSummary
    reused: tuple[Phase, ...]
    # Files of the static HTML export, when one was asked for.
    static: WriteSummary | None = None


def build_report(result: PipelineResult, files: Sequence[SiteFile], cms: str) -> GenerationReport:
    entities = tuple(
        EntitySummary(
            id=e.id,
            name=e.name,
            kind=e.kind,
            items=len(result.content.for_entity(e.id)),
            fields=len(e.fields),
        )
        for e in result.schema.entities
    )
    return GenerationReport(
        name=result.schema.name,
        cms=cms,
        documents=tuple(d.source for d in result.ingest.text_documents),
        images=result.ingest.images,
        entities=entities,
        items=len(result.content.items),
        pages=count_pages(files),
        colours=_palette(result.design),
        fonts=_fonts(result.design),
        warnings=result.warnings,
        rejected=result.ingest.rejected,
        hand_edits=result.hand_edits,
        identity=result.content.identity,
        values=result.content.notes,
        set_aside=set_aside_texts(result.ingest.text_documents),
        encodings={d.source: d.encoding for d in result.ingest.text_documents if d.encoding},
        usage=result.usage,
        # No phase durations here: a report that goes into the site's archive and its version
        # history must not change when nothing else did. GenerateSite adds them, written last.
    )


def _palette(design: DesignSystem) -> dict[str, str]:
    found: dict[str, str] = {}
    for role in PALETTE_ROLES:
        token = design.token(f"color.{role}.500")
        if token is not None:
            found[role] = str(token["$value"])
    return found


def _fonts(design: DesignSystem) -> dict[str, str]:
    found: dict[str, str] = {}
    for role in ("heading", "body"):
        token = design.token(f"typography.font-family.{role}")
        if token is not None:
            value = token["$value"]
            # The first family is the one chosen; the rest are fallbacks.
            found[role] = str(value[0]) if isinstance(value, list) and value else str(value)
    return found


def intermediate_files(result: PipelineResult) -> list[SiteFile]:
    """The schema, content and design tokens, written beside a generated site."""
    return [
        SiteFile(f"{ARTEFACT_DIR}/schema.json", to_json(result.schema).encode()),
        # One item a line: the largest artefact, encoded at C speed, still read and diffed.
        SiteFile(f"{ARTEFACT_DIR}/content.json", to_layered_json(result.content).encode()),
        SiteFile(f"{ARTEFACT_DIR}/tokens.json", to_json(result.design.tokens).encode()),
    ]


def report_file(report: GenerationReport) -> SiteFile:
    return SiteFile(REPORT_PATH, to_json(report).encode())


def artefact_files(result: PipelineResult, report: GenerationReport) -> list[SiteFile]:
    """The intermediate artefacts written beside a generated site, the report among them."""
    return [*intermediate_files(result), report_file(report)]


class GenerateSite:
    """Generate into a folder the owner may have edited since: their edits are kept.

    The report is written last, once every phase (the site's and the static export's too)
    has its duration."""

    def __init__(
        self,
        *,
        tools: GenerationTools,
        clock: Clock,
        hand_edits: KeepHandEdits,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._tools = tools
        self._clock = clock
        self._hand_edits = hand_edits
        self._timer = timer
        self._static = ExportStaticSite(exporter=tools.static, output=tools.output)

    def __call__(
        self,
        request: PipelineInput,
        out_dir: Path,
        *,
        checkpoints: Storage,
        progress: ProgressSink,
        run_id: str = "local",
        static_out: Path | None = None,
    ) -> GenerationOutcome:
        pipeline = self._tools.pipeline(
            checkpoints=CheckpointStore(checkpoints, "checkpoints"),
            progress=RunProgress(run_id, progress, self._clock),
            hand_edits=self._hand_edits,
        )
        reports: list[GenerationReport] = []

        def artefacts(result: PipelineResult, files: Sequence[SiteFile]) -> list[SiteFile]:
            reports.append(build_report(result, files, self._tools.cms.name))
            return intermediate_files(result)

        result = pipeline.run(request, out_dir, artefacts)
        phases = list(result.phases)
        static: WriteSummary | None = None
        if static_out is not None:
            start = self._timer()
            static = self._static(result.site_spec(request.name or result.schema.name), static_out)
            phases.append(PhaseTiming(STATIC_EXPORT_PHASE, max(0.0, self._timer() - start)))
        report = attrs.evolve(reports[0], phases=tuple(phases))
        self._tools.output.replace_file(out_dir, report_file(report))
        return GenerationOutcome(
            report=report, written=result.written, reused=result.reused, static=static
        )
