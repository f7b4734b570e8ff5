"""The ids every log line carries while a request or a job is handled (request_id, job_id,
run_id, project_id, phase).

They live in a context variable, so they follow the work into threads started with
``asyncio.to_thread`` or Starlette's thread pool (both run the function in a copy of the
caller's context) and never leak between requests or jobs running at the same time. Work
handed to a thread pool of our own goes through ``carried``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

FIELDS = ("request_id", "job_id", "run_id", "project_id", "phase")

_EMPTY: Mapping[str, str] = MappingProxyType({})
_fields: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "kirbygen_log_fields", default=_EMPTY
)
# Set on an exception as it leaves the innermost ``bound`` block: where it was raised.
_RAISED_IN = "__kirbygen_log_fields__"


def current() -> Mapping[str, str]:
    return _fields.get()


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    """Adds ``fields`` (those not None) to every log line written inside the block."""
    token = _fields.set(
        MappingProxyType({**_fields.get(), **{k: v for k, v in fields.items() if v is not None}})
    )
    try:
        yield
    except BaseException as exc:
        if not hasattr(exc, _RAISED_IN):
            # (an exception type that takes no attributes goes without)
            with contextlib.suppress(AttributeError):
                setattr(exc, _RAISED_IN, _fields.get())
        raise
    finally:
        _fields.reset(token)


def raised_in(exc: BaseException) -> Mapping[str, str]:
    """The fields in force where ``exc`` was raised (empty when it was raised outside any
    ``bound`` block), so an error logged further out still names its run and phase."""
    found = getattr(exc, _RAISED_IN, None)
    return found if isinstance(found, Mapping) else _EMPTY


def carried(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, run wherever (a pool's threads, several at once) with the fields in
    force now, where a plain thread would start with none."""
    fields = dict(current())

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with bound(**fields):
            return function(*args, **kwargs)

    return run
