"""A cancel token the test flips."""

from __future__ import annotations


class FakeCancelToken:
    """``CancelToken`` that reports cancelled once ``cancel()`` was called, or after
    ``cancel_after`` checks (to cancel a run at a chosen safe point)."""

    def __init__(self, *, cancel_after: int | None = None) -> None:
        self._cancelled = False
        self._cancel_after = cancel_after
        self.checks = 0

    def cancel(self) -> None:
        self._cancelled = True

    def cancelled(self) -> bool:
        self.checks += 1
        if self._cancel_after is not None and self.checks > self._cancel_after:
            self._cancelled = True
        return self._cancelled
