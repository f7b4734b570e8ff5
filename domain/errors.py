"""Domain errors. Each carries a machine-readable code and a message a person can act on."""

from __future__ import annotations


class KirbyGenError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(KirbyGenError):
    code = "invalid_input"


class NotFound(KirbyGenError):
    code = "not_found"


class RunCancelled(KirbyGenError):
    code = "cancelled"


class RunDeferred(KirbyGenError):
    """The run cannot go on now but can later (e.g. a model API answered "retry after 120 s").

    Raised from inside a run; the job queue puts the job back to start again after
    ``delay_seconds`` instead of holding a worker while it waits. Finished phases are kept.
    """

    code = "deferred"

    def __init__(self, message: str, *, delay_seconds: float) -> None:
        super().__init__(message)
        if delay_seconds < 0:
            raise ValueError("delay_seconds must not be negative")
        self.delay_seconds = delay_seconds


class DumpFailed(KirbyGenError):
    """A database dump, its check or its restore did not complete; what exists of it is not
    a backup."""

    code = "dump_failed"


class DependencyUnavailable(KirbyGenError):
    """A service the work depends on (the skills service) did not answer or refused us.

    Never mistaken for a fault of the input: a batch that reports bad files one by one lets
    this one through, so an outage reads as an outage.
    """

    code = "dependency_unavailable"
