"""The generation pipeline against in-memory fakes: phases, checkpoints, failures, cancel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import pytest

from application.checkpoints import CheckpointStore
from application.pipeline import (
    GENERATION_PHASES,
    GenerationPipeline,
    PhaseFailed,
    PipelineInput,
    PipelineResult,
)
from application.progress import RunProgress
from domain.design import BrandInputs
from domain.documents import IngestLimits, RejectionCode, SourceFile
from domain.errors import DependencyUnavailable, RunCancelled
from domain.project import EventStatus, Phase
from tests.fakes import FakeSiteOutput, FakeStorage, FixedClock, RecordingProgressSink
from tests.unit.application.skills import OnePageMapper, PageListCms, Skills

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OUT = Path("/site")


class Harness:
    def __init__(self, skills: Skills | None = None) -> None:
        self.skills = skills or Skills()
        self.storage = FakeStorage()
        self.output = FakeSiteOutput()
        self.sink = RecordingProgressSink()
        self.stop_requested = False

    def cancelled(self) -> bool:
        """The harness is the run's cancel token."""
        return self.stop_requested

    def run(self, request: PipelineInput, limits: IngestLimits | None = None) -> PipelineResult:
        pipeline = GenerationPipeline(
            skills=self.skills,
            cms=PageListCms(),
            output=self.output,
            checkpoints=CheckpointStore(self.storage, "checkpoints"),
            progress=RunProgress("run-1", self.sink, FixedClock(datetime(2026, 1, 1, tzinfo=UTC))),
            cancel=self,
            version="test",
            ingest_limits=limits,
        )
        return pipeline.run(request, OUT)


def material(*extra: SourceFile) -> PipelineInput:
    sources = (
        SourceFile("a.txt", b"Alpha\nfirst body line\nimage: pics/a.png"),
        SourceFile("b.txt", b"Beta\nsecond body"),
        SourceFile("pics/a.png", PNG),
        *extra,
    )
    return PipelineInput(name="Test Site", sources=sources, brand=BrandInputs(colors=("#aa3300",)))


def phase_statuses(sink: RecordingProgressSink) -> list[tuple[Phase, EventStatus]]:
    """Where each phase started and ended (progress inside a phase left out)."""
    return [(e.phase, e.status) for e in sink.events if e.status is not EventStatus.PROGRESS]


def test_a_run_goes_through_every_phase_in_order_and_writes_the_site() -> None:
    harness = Harness()
    result = harness.run(material())
    expected = []
    for phase in GENERATION_PHASES:
        expected += [(phase, EventStatus.STARTED), (phase, EventStatus.COMPLETED)]
    assert phase_statuses(harness.sink) == expected
    assert [i.title for i in result.content.items] == ["Alpha", "Beta"]
    assert sorted(result.written.written) == ["media/a.png", "pages/a.txt", "pages/b.txt"]
    assert result.content.items[0].fields["cover"] == "a.png"
    assert result.design.value("color.primary.500") == "#aa3300"


def test_unchanged_inputs_reuse_every_checkpointed_phase() -> None:
    harness = Harness()
    harness.run(material())
    calls = (harness.skills.mapping.calls, harness.skills.structuring.calls)
    second = harness.run(material())
    assert (harness.skills.mapping.calls, harness.skills.structuring.calls) == calls
    assert harness.skills.parser.calls == 2  # each document parsed once, in the first run only
    assert second.reused == (Phase.INGEST, Phase.MAPPING, Phase.STRUCTURING, Phase.DESIGN)
    assert second.written.written == ()


def test_the_number_of_parse_workers_does_not_invalidate_the_ingest_checkpoint() -> None:
    harness = Harness()
    harness.run(material(), IngestLimits(parse_workers=1))
    second = harness.run(material(), IngestLimits(parse_workers=4))
    assert Phase.INGEST in second.reused
    third = harness.run(material(), IngestLimits(parse_workers=4, max_pdf_pages=3))
    assert Phase.INGEST not in third.reused  # a limit that changes what is read still counts


def test_a_changed_document_redoes_only_the_phases_that_depend_on_it() -> None:
    harness = Harness()
    harness.run(material())
    changed = material()
    sources = (SourceFile("b.txt", b"Beta\nnew body"), *changed.sources[:1], changed.sources[2])
    result = harness.run(PipelineInput(name="Test Site", sources=sources, brand=changed.brand))
    assert result.reused == (Phase.DESIGN,)
    assert harness.skills.designing.calls == 1
    assert result.written.written == ("pages/b.txt",)


def test_a_failing_phase_is_recorded_and_retry_resumes_after_the_finished_ones() -> None:
    harness = Harness(Skills(mapper=OnePageMapper(fail=True)))
    with pytest.raises(PhaseFailed) as failed:
        harness.run(material())
    assert failed.value.failure.phase is Phase.MAPPING
    assert failed.value.failure.code == "internal_error"
    assert "mapper exploded" in failed.value.failure.message
    assert phase_statuses(harness.sink)[-1] == (Phase.MAPPING, EventStatus.FAILED)

    harness.skills.mapping.fail = False
    parsed = harness.skills.parser.calls
    result = harness.run(material())
    assert harness.skills.parser.calls == parsed
    assert result.reused == (Phase.INGEST,)


def test_cancel_stops_at_the_next_phase_boundary() -> None:
    harness = Harness()
    harness.stop_requested = True
    with pytest.raises(RunCancelled):
        harness.run(material())
    assert harness.sink.events == []


def test_a_bad_file_is_reported_and_the_rest_is_generated() -> None:
    harness = Harness()
    result = harness.run(
        material(
            SourceFile("blob.bin", b"\x00\x01\x02binary"),
            SourceFile("broken.txt", b"BROKEN file"),
            SourceFile("empty.txt", b""),
        )
    )
    rejected = {r.name: r.code for r in result.ingest.rejected}
    assert rejected == {
        "blob.bin": RejectionCode.UNSUPPORTED_TYPE,
        "broken.txt": RejectionCode.PARSE_ERROR,
        "empty.txt": RejectionCode.EMPTY,
    }
    assert len(result.content.items) == 2
    assert any(w.startswith("broken.txt: line-parser could not read it") for w in result.warnings)


def test_material_that_yields_no_document_fails_the_ingest_phase() -> None:
    harness = Harness()
    with pytest.raises(PhaseFailed) as failed:
        harness.run(PipelineInput(name="x", sources=(SourceFile("blob.bin", b"\x00\xff"),)))
    assert failed.value.failure.phase is Phase.INGEST
    assert failed.value.failure.code == "no_documents"
    assert "blob.bin" in failed.value.failure.message


def test_a_reference_to_a_missing_image_is_dropped_and_reported() -> None:
    harness = Harness()
    request = PipelineInput(
        name="x", sources=(SourceFile("a.txt", b"Alpha\nbody\nimage: nowhere.png"),)
    )
    result = harness.run(request)
    assert "cover" not in result.content.items[0].fields
    assert "cover" not in result.content.items[0].provenance
    assert result.warnings == ("a.txt: 'nowhere.png' is referenced but no such file was given",)


class UnreachableStructurer(Skills):
    """A registry that cannot name its structuring skill (its service is down)."""

    def structurer(self) -> NoReturn:
        raise DependencyUnavailable("the skills service is not reachable", code="skills_down")


def test_a_registry_that_cannot_name_a_skill_fails_that_phase() -> None:
    harness = Harness(UnreachableStructurer())
    with pytest.raises(PhaseFailed) as failed:
        harness.run(material())
    assert failed.value.failure.phase is Phase.STRUCTURING
    assert failed.value.failure.code == "skills_down"
    assert "not reachable" in failed.value.failure.message
