"""Progress display for a terminal: a bar on a TTY, one line per phase otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

from application.pipeline import GENERATION_PHASES
from domain.project import EventStatus, ProgressEvent

BAR_WIDTH = 24


class TerminalProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()

    def publish(self, event: ProgressEvent) -> None:
        index = GENERATION_PHASES.index(event.phase) if event.phase in GENERATION_PHASES else 0
        total = len(GENERATION_PHASES)
        done = index + (event.percent / 100 if event.status is EventStatus.COMPLETED else 0)
        label = f"[{index + 1}/{total}] {event.message}"
        if self._tty:
            filled = round(BAR_WIDTH * done / total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if event.status is EventStatus.FAILED else ""
            self._stream.write(f"\r\x1b[2K{bar} {label}{end}")
        elif event.status is not EventStatus.PROGRESS:
            self._stream.write(label + "\n")
        self._stream.flush()

    def finish(self) -> None:
        if self._tty:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()


class SilentProgress:
    def publish(self, event: ProgressEvent) -> None:
        del event
