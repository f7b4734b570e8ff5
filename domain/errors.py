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
