"""What the language model did during one piece of work (a run, a conversation turn).

A ``ModelUseLedger`` is opened around the work (``recording()``); model calls made inside it
add their usage, and skills add notes (values rejected, a phase that fell back to the
offline skill), which end up in the run's record and report. The current ledger travels
in a context variable, so it follows the work into the worker thread without being passed
through every skill's signature.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from domain.project import TokenUsage

_current: contextvars.ContextVar[ModelUseLedger | None] = contextvars.ContextVar(
    "kirbygen_model_use", default=None
)


class ModelUseLedger:
    """Usage and notes of one piece of work; a ledger opened inside another also adds to
    the outer one (a run's ledger sees the calls of every phase)."""

    def __init__(self, parent: ModelUseLedger | None = None) -> None:
        self._parent = parent
        self._lock = threading.Lock()
        self._usage = TokenUsage()
        self._untaken = TokenUsage()
        self._notes: list[str] = []

    def add(self, usage: TokenUsage) -> None:
        with self._lock:
            self._usage = self._usage + usage
            self._untaken = self._untaken + usage
        if self._parent is not None:
            self._parent.add(usage)

    def note(self, text: str) -> None:
        with self._lock:
            if text not in self._notes:
                self._notes.append(text)
        if self._parent is not None:
            self._parent.note(text)

    def take_usage(self) -> TokenUsage:
        """The usage added since the last take (then counted as recorded elsewhere)."""
        with self._lock:
            taken, self._untaken = self._untaken, TokenUsage()
        return taken

    @property
    def usage(self) -> TokenUsage:
        return self._usage

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes)


@contextmanager
def recording() -> Iterator[ModelUseLedger]:
    """Open a ledger for the work done inside the ``with`` block."""
    ledger = ModelUseLedger(_current.get())
    token = _current.set(ledger)
    try:
        yield ledger
    finally:
        _current.reset(token)


def current_ledger() -> ModelUseLedger | None:
    return _current.get()


def record_usage(usage: TokenUsage) -> None:
    """Add a call's usage to the current ledger (no ledger: nothing to add it to)."""
    ledger = _current.get()
    if ledger is not None:
        ledger.add(usage)


def record_note(text: str) -> None:
    ledger = _current.get()
    if ledger is not None:
        ledger.note(text)
