"""Progress display for a terminal: a bar on a TTY, one line per phase otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from application.pipeline import GENERATION_PHASES
from application.report import PhaseTiming
from domain.project import EventStatus, ProgressEvent

BAR_WIDTH = 24


class TerminalProgress:
    """On a terminal, one line redrawn in place: a bar over the whole run that also moves
    inside long phases (files read, files written), and the latest message. Elsewhere (a
    pipe, a log file) one line when a phase starts, ends or fails, and nothing in between."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()

    def publish(self, event: ProgressEvent) -> None:
        index = GENERATION_PHASES.index(event.phase) if event.phase in GENERATION_PHASES else 0
        total = len(GENERATION_PHASES)
        label = f"[{index + 1}/{total}] {event.message}"
        if self._tty:
            moving = event.status in (EventStatus.PROGRESS, EventStatus.COMPLETED)
            within = event.percent / 100 if moving else 0
            filled = round(BAR_WIDTH * (index + within) / total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if event.status is EventStatus.FAILED else ""
            self._stream.write(f"\r\x1b[2K{bar} {label}{end}")
        elif event.status is EventStatus.PROGRESS:
            return
        else:
            self._stream.write(label + "\n")
        self._stream.flush()

    def finish(self) -> None:
        if self._tty:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()


class SilentProgress:
    def publish(self, event: ProgressEvent) -> None:
        del event


def phases_summary(phases: Sequence[PhaseTiming]) -> str:
    """``ingest 0.12 s, mapping 0.01 s (reused), …; total 1.40 s``."""
    parts = [f"{p.name} {p.seconds:.2f} s{' (reused)' if p.reused else ''}" for p in phases]
    return f"{', '.join(parts)}; total {sum(p.seconds for p in phases):.2f} s"
