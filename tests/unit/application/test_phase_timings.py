"""Each run records how long each of its phases took, in the order they ran."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count

from application.checkpoints import CheckpointStore
from application.generate import build_report
from application.pipeline import GENERATION_PHASES, GenerationPipeline, PipelineResult
from application.progress import PROGRESS_STEP_PERCENT, RunProgress
from application.report import PhaseTiming
from domain.project import Phase
from tests.fakes import FixedClock, RecordingProgressSink
from tests.unit.application.skills import PageListCms
from tests.unit.application.test_pipeline import OUT, Harness, material


class TickingTimer:
    """A clock for durations that moves one second at each reading."""

    def __init__(self) -> None:
        self._ticks: Iterator[int] = count()

    def __call__(self) -> float:
        return float(next(self._ticks))


def run(harness: Harness) -> PipelineResult:
    pipeline = GenerationPipeline(
        skills=harness.skills,
        cms=PageListCms(),
        output=harness.output,
        checkpoints=CheckpointStore(harness.storage, "checkpoints"),
        progress=RunProgress("run-1", harness.sink, FixedClock(datetime(2026, 1, 1, tzinfo=UTC))),
        version="test",
        timer=TickingTimer(),
    )
    return pipeline.run(material(), OUT)


def test_every_phase_that_ran_is_timed_in_order() -> None:
    result = run(Harness())
    assert [p.name for p in result.phases] == [p.value for p in GENERATION_PHASES]
    # Each phase reads the timer when it starts and when it ends: one tick apart.
    assert all(p.seconds == 1.0 and not p.reused for p in result.phases)


def test_reused_phases_are_timed_and_marked() -> None:
    harness = Harness()
    run(harness)
    again = run(harness)
    assert [(p.name, p.reused) for p in again.phases] == [
        ("ingest", True),
        ("mapping", True),
        ("structuring", True),
        ("design", True),
        ("site", False),
    ]


def test_the_real_timer_gives_non_negative_durations() -> None:
    result = Harness().run(material())
    assert [p.name for p in result.phases] == [p.value for p in GENERATION_PHASES]
    assert all(isinstance(p, PhaseTiming) and p.seconds >= 0 for p in result.phases)


def test_long_phases_tell_their_progress_file_by_file() -> None:
    harness = Harness()
    harness.run(material())
    steps = [
        (e.phase, e.percent, e.message) for e in harness.sink.events if e.status.value == "progress"
    ]
    read = [s for s in steps if s[0] is Phase.INGEST]
    assert [m for _, _, m in read] == [
        "ingest: 1/3 files",
        "ingest: 2/3 files",
        "ingest: 3/3 files",
    ]
    assert [p for _, p, _ in read] == [33, 66, 100]
    written = [s for s in steps if s[0] is Phase.SITE]
    assert written[-1][1:] == (100, "site: 3/3 files")


def test_progress_inside_a_phase_is_told_at_most_every_step() -> None:
    sink = RecordingProgressSink()
    tell = RunProgress("run-1", sink, FixedClock(datetime(2026, 1, 1, tzinfo=UTC))).counter(
        Phase.SITE, "files"
    )
    for done in range(1, 10_001):
        tell(done, 10_000)
    percents = [e.percent for e in sink.events]
    assert percents == list(range(PROGRESS_STEP_PERCENT, 101, PROGRESS_STEP_PERCENT))


def test_the_report_built_with_the_site_leaves_the_durations_out() -> None:
    """That report is archived and versioned with the site: an unchanged run must give the
    same bytes. The command line adds the durations to the report it writes last."""
    result = run(Harness())
    assert result.phases
    assert build_report(result, [], "kirby").phases == ()
