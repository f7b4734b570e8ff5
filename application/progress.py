"""Progress reporting for a run: builds ProgressEvents and hands them to the sink."""

from __future__ import annotations

from domain.ports import Clock, ProgressSink
from domain.project import EventStatus, Phase, ProgressEvent


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
