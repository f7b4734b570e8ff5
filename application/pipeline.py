"""The generation pipeline of SPEC §2: ingest → mapping → structuring → design → site.

Each phase stores its output with a fingerprint of its inputs; a later run whose inputs are
unchanged reuses the output instead of redoing the work. Progress is emitted per phase, the
cancel token is checked at every phase boundary, and a failure names its phase and a code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import attrs

from application import log_context
from application.checkpoints import CheckpointStore
from application.fingerprint import fingerprint
from application.hand_edits import KeepHandEdits
from application.ingest import ingest, nothing_readable, read_source
from application.media import attach_media, image_descriptions
from application.progress import RunProgress
from application.report import PhaseTiming
from domain.content import StructuredContent
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import (
    Document,
    IngestLimits,
    IngestResult,
    RejectedFile,
    RejectionCode,
    SourceFile,
)
from domain.errors import KirbyGenError, RunCancelled, RunDeferred
from domain.hand_edits import HandEditReport
from domain.issues import Severity
from domain.model_use import ModelUseLedger, recording
from domain.ports import CancelToken, CmsAdapter, SiteOutput, Skill, SkillRegistry
from domain.project import Conversation, EventStatus, Phase, RunFailure, TokenUsage
from domain.schema import ContentSchema
from domain.site import MediaAsset, SiteFile, SiteSpec, WriteSummary
from domain.validation import SchemaLimits, validate_schema

T = TypeVar("T")

DEFAULT_SITE_NAME = "Portfolio"
GENERATION_PHASES = (Phase.INGEST, Phase.MAPPING, Phase.STRUCTURING, Phase.DESIGN, Phase.SITE)


@attrs.frozen
class PipelineInput:
    name: str
    sources: tuple[SourceFile, ...]
    rejected: tuple[RejectedFile, ...] = ()
    brand: BrandInputs = BrandInputs()
    conversation: Conversation | None = None
    approved_schema: ContentSchema | None = None
    # The files named by ``brand.moodboard`` and ``brand.logo`` (not part of the content).
    brand_images: tuple[SourceFile, ...] = ()
    # The site's name when ``name`` is empty and the material names nobody (the folder's).
    fallback_name: str = ""


@attrs.frozen
class PipelineResult:
    ingest: IngestResult
    schema: ContentSchema
    content: StructuredContent
    design: DesignSystem
    media: tuple[MediaAsset, ...]
    warnings: tuple[str, ...]
    written: WriteSummary
    reused: tuple[Phase, ...]
    # What regenerating into a folder with the owner's edits kept, merged or reported.
    hand_edits: HandEditReport = HandEditReport()
    # Language-model use of the phases that ran (reused phases cost nothing).
    usage: TokenUsage = TokenUsage()
    # How long each phase took, in the order they ran (the site phase once it is done).
    phases: tuple[PhaseTiming, ...] = ()

    def site_spec(self, title: str) -> SiteSpec:
        """The site this result describes, as every site renderer consumes it."""
        return SiteSpec(
            title=title,
            schema=self.schema,
            content=self.content,
            design=self.design,
            media=self.media,
        )


@attrs.frozen
class _SiteWritten:
    written: WriteSummary
    hand_edits: HandEditReport


class PhaseFailed(KirbyGenError):
    def __init__(self, failure: RunFailure) -> None:
        super().__init__(failure.message, code=failure.code)
        self.failure = failure


class NeverCancelled:
    def cancelled(self) -> bool:
        return False


# Builds extra files (reports, intermediate artefacts) from the result and the site files.
ArtefactBuilder = Callable[["PipelineResult", Sequence[SiteFile]], Sequence[SiteFile]]
# Stores what the site phase made (e.g. a zip of the folder) before the phase counts as done.
SitePublisher = Callable[["PipelineResult", Path], None]


def brand_image_role(brand: BrandInputs, name: str) -> str | None:
    """'logo' or 'moodboard' for a brand image named in ``brand``, else None."""
    if brand.logo == name:
        return "logo"
    if name in brand.moodboard:
        return "moodboard"
    return None


def skill_identity(skill: Skill) -> str:
    return f"{skill.slot}:{skill.name}:{getattr(skill, 'version', '')}"


class GenerationPipeline:
    def __init__(
        self,
        *,
        skills: SkillRegistry,
        cms: CmsAdapter,
        output: SiteOutput,
        checkpoints: CheckpointStore,
        progress: RunProgress,
        cancel: CancelToken | None = None,
        schema_limits: SchemaLimits | None = None,
        ingest_limits: IngestLimits | None = None,
        version: str = "",
        hand_edits: KeepHandEdits | None = None,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._skills = skills
        self._cms = cms
        self._output = output
        self._checkpoints = checkpoints
        self._progress = progress
        self._cancel = cancel or NeverCancelled()
        self._limits = schema_limits or SchemaLimits()
        self._ingest_limits = ingest_limits or IngestLimits()
        self._version = version
        self._hand_edits = hand_edits
        self._reused: list[Phase] = []
        self._timer = timer
        self._timings: list[PhaseTiming] = []

    def run(
        self,
        request: PipelineInput,
        out_dir: Path,
        artefacts: ArtefactBuilder | None = None,
        publish: SitePublisher | None = None,
    ) -> PipelineResult:
        """Run every generation phase; raises PhaseFailed or RunCancelled.

        ``publish`` runs inside the site phase, so a site phase reported completed has its
        outputs stored (a resumed run need not redo it)."""
        with recording() as model_use:
            return self._run(request, out_dir, artefacts, publish, model_use)

    def _run(
        self,
        request: PipelineInput,
        out_dir: Path,
        artefacts: ArtefactBuilder | None,
        publish: SitePublisher | None,
        model_use: ModelUseLedger,
    ) -> PipelineResult:
        self._reused = []
        self._timings = []
        # Each phase's scope also holds the work that prepares it (finding its skill, its
        # fingerprint, screening the brand images, attaching media): whatever fails in it is
        # a failure of that phase, and its log lines name it.
        with self._scope(Phase.INGEST):
            ingested = self._ingest(request)
        with self._scope(Phase.MAPPING):
            schema = self._map(request, ingested)
        with self._scope(Phase.STRUCTURING):
            content = self._structure(ingested, schema)
        with self._scope(Phase.DESIGN):
            brand_images, brand_rejected = self._screen_brand_images(request)
            files = {s.name: s for s in request.sources}
            images = {n: files[n] for n in ingested.images}
            design = self._design(request, images, brand_images)
        with self._scope(Phase.SITE):
            attached = attach_media(schema, content, images, image_descriptions(ingested.documents))
            warnings = tuple(
                [f"{r.name}: {r.reason}" for r in (*ingested.rejected, *brand_rejected)]
                + list(attached.warnings)
                + list(model_use.notes)
            )
            result = PipelineResult(
                ingest=ingested,
                schema=schema,
                content=attached.content,
                design=design,
                media=attached.media,
                warnings=warnings,
                written=WriteSummary(),
                reused=tuple(self._reused),
                usage=model_use.usage,
                phases=tuple(self._timings),
            )
            site = self._site(request, result, out_dir, artefacts, publish)
            return attrs.evolve(
                result,
                written=site.written,
                hand_edits=site.hand_edits,
                phases=tuple(self._timings),
            )

    # --- phases ---------------------------------------------------------------------------

    def _ingest(self, request: PipelineInput) -> IngestResult:
        parsers = self._skills.parsers()
        key = fingerprint(
            self._version,
            [skill_identity(p) for p in parsers],
            [(s.name, s.data) for s in request.sources],
            [(s.name, s.media_type) for s in request.sources],
            request.rejected,
            # How many files are parsed at once does not change what is read.
            attrs.evolve(self._ingest_limits, parse_workers=0),
        )

        def work() -> IngestResult:
            files_read = self._progress.counter(Phase.INGEST, "files")
            result = ingest(
                request.sources, parsers, request.rejected, self._ingest_limits, files_read
            )
            if not result.text_documents:
                raise KirbyGenError(nothing_readable(result, "material"), code="no_documents")
            return result

        return self._phase(Phase.INGEST, key, IngestResult, work)

    def _map(self, request: PipelineInput, ingested: IngestResult) -> ContentSchema:
        mapper = self._skills.mapper()
        approved = request.approved_schema
        key = fingerprint(
            self._version,
            skill_identity(mapper),
            ingested.documents,
            request.conversation,
            request.name,
            request.fallback_name,
            approved,
        )

        def work() -> ContentSchema:
            schema = approved or mapper.map(ingested.documents, request.conversation, request.name)
            if not schema.name.strip():
                schema = attrs.evolve(schema, name=request.fallback_name or DEFAULT_SITE_NAME)
            problems = [
                i for i in validate_schema(schema, self._limits) if i.severity is Severity.ERROR
            ]
            if problems:
                listed = "; ".join(f"{i.path}: {i.message}" for i in problems[:5])
                raise KirbyGenError(
                    f"the content schema is not valid: {listed}", code="schema_invalid"
                )
            return schema

        return self._phase(Phase.MAPPING, key, ContentSchema, work)

    def _structure(self, ingested: IngestResult, schema: ContentSchema) -> StructuredContent:
        structurer = self._skills.structurer()
        key = fingerprint(self._version, skill_identity(structurer), ingested.documents, schema)
        return self._phase(
            Phase.STRUCTURING,
            key,
            StructuredContent,
            lambda: structurer.structure(ingested.documents, schema),
        )

    def _screen_brand_images(
        self, request: PipelineInput
    ) -> tuple[list[ImageSample], list[RejectedFile]]:
        """The moodboard and logo images that pass the same checks as uploaded images (format,
        pixel limit); the others are reported. Cheap: no image is decoded here."""
        parsers = self._skills.parsers()
        accepted: list[ImageSample] = []
        refused: list[RejectedFile] = []
        for source in request.brand_images:
            role = brand_image_role(request.brand, source.name)
            if role is None:
                continue
            outcome = read_source(source, parsers, self._ingest_limits)
            if isinstance(outcome, RejectedFile):
                refused.append(outcome)
            elif outcome is None or (
                isinstance(outcome, Document) and outcome.media_type.startswith("image/")
            ):
                accepted.append(ImageSample(name=source.name, role=role, data=source.data))
            else:
                refused.append(
                    RejectedFile(source.name, RejectionCode.TYPE_MISMATCH, "it is not an image")
                )
        return accepted, refused

    def _design(
        self,
        request: PipelineInput,
        images: Mapping[str, SourceFile],
        brand_images: Sequence[ImageSample],
    ) -> DesignSystem:
        designer = self._skills.designer()
        photos = [ImageSample(name=n, role="photo", data=f.data) for n, f in images.items()]
        samples = [*brand_images, *photos]
        key = fingerprint(
            self._version,
            skill_identity(designer),
            request.brand,
            [(s.name, s.role) for s in samples],
            *[s.data for s in samples],
        )
        return self._phase(
            Phase.DESIGN, key, DesignSystem, lambda: designer.design(request.brand, samples)
        )

    def _site(
        self,
        request: PipelineInput,
        result: PipelineResult,
        out_dir: Path,
        artefacts: ArtefactBuilder | None,
        publish: SitePublisher | None,
    ) -> _SiteWritten:
        # The site phase always renders and diffs: rendering is cheap, and writing only the
        # files whose bytes changed keeps an unchanged site untouched.
        def work() -> _SiteWritten:
            files = list(self._cms.build(result.site_spec(request.name or result.schema.name)))
            edits = HandEditReport()
            if self._hand_edits is not None:
                prepared = self._hand_edits(out_dir, files)
                files, edits = list(prepared.files), prepared.report
            if artefacts is not None:
                files.extend(artefacts(attrs.evolve(result, hand_edits=edits), tuple(files)))
            files_written = self._progress.counter(Phase.SITE, "files")
            written = _SiteWritten(self._output.write(out_dir, files, files_written), edits)
            if publish is not None:
                publish(attrs.evolve(result, written=written.written, hand_edits=edits), out_dir)
            return written

        return self._phase(Phase.SITE, None, _SiteWritten, work)

    # --- machinery ------------------------------------------------------------------------

    def _phase(self, phase: Phase, key: str | None, cls: type[T], work: Callable[[], T]) -> T:
        if self._cancel.cancelled():
            raise RunCancelled(f"cancelled before {phase.value}")
        start = self._timer()
        if key is not None:
            stored = self._checkpoints.load(phase, key, cls)
            if stored is not None:
                self._reused.append(phase)
                self._timed(phase, start, reused=True)
                self._progress.emit(
                    phase, EventStatus.COMPLETED, 100, f"{phase.value} unchanged; reused"
                )
                return stored
        self._progress.emit(phase, EventStatus.STARTED, 0, f"{phase.value} started")
        output = work()
        if key is not None:
            self._checkpoints.save(phase, key, output)
        self._timed(phase, start)
        self._progress.emit(phase, EventStatus.COMPLETED, 100, f"{phase.value} done")
        return output

    def _timed(self, phase: Phase, start: float, *, reused: bool = False) -> None:
        seconds = max(0.0, self._timer() - start)
        self._timings.append(PhaseTiming(phase.value, seconds, reused))

    @contextmanager
    def _scope(self, phase: Phase) -> Iterator[None]:
        """Log lines inside name ``phase``; an error inside fails it (PhaseFailed, caused by
        the error, so its stack trace is kept for the log)."""
        with log_context.bound(phase=phase.value):
            try:
                yield
            except (RunDeferred, RunCancelled, PhaseFailed):
                raise  # not a failure of the phase: the queue defers or the run stops here
            except KirbyGenError as exc:
                self._fail(phase, exc.code, exc.message, exc)
            except Exception as exc:  # an unexpected error still ends as an honest failure
                self._fail(phase, "internal_error", unexpected_error_message(exc), exc)

    def _fail(self, phase: Phase, code: str, message: str, cause: Exception) -> NoReturn:
        self._progress.emit(phase, EventStatus.FAILED, 100, message)
        raise PhaseFailed(RunFailure(phase=phase, code=code, message=message)) from cause


# The person reading a failed run sees the error's kind and first line, not a wall of text.
UNEXPECTED_MESSAGE_CHARS = 300


def unexpected_error_message(exc: BaseException) -> str:
    """A short message for a failure nobody foresaw; the full trace goes to the log."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    if len(text) > UNEXPECTED_MESSAGE_CHARS:
        text = text[: UNEXPECTED_MESSAGE_CHARS - 1] + "…"
    return text
