"""A progress sink that keeps what it was given."""

from __future__ import annotations

from domain.project import EventStatus, Phase, ProgressEvent


class RecordingProgressSink:
    """``ProgressSink`` appending every event to ``events``."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []

    def publish(self, event: ProgressEvent) -> None:
        self.events.append(event)

    def for_run(self, run_id: str) -> list[ProgressEvent]:
        return [event for event in self.events if event.run_id == run_id]

    def phases(self, status: EventStatus | None = None) -> list[Phase]:
        """Phases of the recorded events (optionally of one status), in order."""
        return [event.phase for event in self.events if status is None or event.status is status]
