"""Progress reporting for a run: builds ProgressEvents and hands them to the sink."""

from __future__ import annotations

from collections.abc import Callable

from domain.ports import Clock, ProgressSink
from domain.project import EventStatus, Phase, ProgressEvent

# Progress inside a phase is told at most every this many percent: a bar moves smoothly,
# and a phase of 10,000 files still stores at most 21 events, not 10,000.
PROGRESS_STEP_PERCENT = 5


class RunProgress:
    def __init__(self, run_id: str, sink: ProgressSink, clock: Clock) -> None:
        self._run_id = run_id
        self._sink = sink
        self._clock = clock

    def emit(self, phase: Phase, status: EventStatus, percent: int, message: str) -> None:
        self._sink.publish(
            ProgressEvent(
                run_id=self._run_id,
                phase=phase,
                status=status,
                percent=max(0, min(100, percent)),
                message=message,
                ts=self._clock.now(),
            )
        )

    def counter(self, phase: Phase, noun: str) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback for the steps of a long phase (documents read, files
        written); it emits a progress event each time another step of the percentage is
        reached, so calling it for every item costs next to nothing."""
        last_step = 0  # "started" already said 0 %

        def tell(done: int, total: int) -> None:
            nonlocal last_step
            percent = done * 100 // total if total else 100
            step = percent // PROGRESS_STEP_PERCENT
            if step != last_step:
                last_step = step
                self.emit(
                    phase, EventStatus.PROGRESS, percent, f"{phase.value}: {done}/{total} {noun}"
                )

        return tell
