"""Errors that refuse a request: who may not, what conflicts, which limit was crossed.

Each maps to one HTTP status at the edge; the domain only says what went wrong.
"""

from __future__ import annotations

from domain.errors import KirbyGenError


class Unauthenticated(KirbyGenError):
    code = "unauthenticated"


class Forbidden(KirbyGenError):
    code = "forbidden"


class Conflict(KirbyGenError):
    code = "conflict"


class LimitExceeded(KirbyGenError):
    """A named limit was crossed; ``limit`` is the setting's name, ``value`` its value."""

    code = "limit_exceeded"

    def __init__(self, message: str, *, limit: str, value: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.limit = limit
        self.value = value


class UnsupportedMediaType(KirbyGenError):
    code = "unsupported_media_type"


class Unprocessable(KirbyGenError):
    code = "unprocessable"


class RateLimited(KirbyGenError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class TimedOut(KirbyGenError):
    """The client took longer than a named limit to send its request."""

    code = "request_timeout"

    def __init__(self, message: str, *, limit: str, value: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value
