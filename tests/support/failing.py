"""Failures put on purpose where a test wants them: a tripwire that raises once, inside a
job, from a function named after the place; and a log handler writing JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from dependency_injector import providers

from application import log_context
from config.container import Container, build_container
from config.settings import Settings
from entrypoints.logging_setup import JsonFormatter

logger = logging.getLogger("tests.tripwire")


# One distinctly named function per place, so the trace shows which one raised.
def ingest_went_wrong() -> None:
    raise KeyError("x")


def mapping_went_wrong() -> None:
    raise KeyError("x")


def structuring_went_wrong() -> None:
    raise KeyError("x")


def design_went_wrong() -> None:
    raise KeyError("x")


def site_went_wrong() -> None:
    raise KeyError("x")


def versioning_went_wrong() -> None:
    raise KeyError("x")


def setup_went_wrong() -> None:
    raise KeyError("x")


def finish_went_wrong() -> None:
    raise KeyError("x")


def request_went_wrong() -> None:
    raise KeyError("x")


RAISERS: dict[str, Callable[[], None]] = {
    "ingest": ingest_went_wrong,
    "mapping": mapping_went_wrong,
    "structuring": structuring_went_wrong,
    "design": design_went_wrong,
    "site": site_went_wrong,
    "versioning": versioning_went_wrong,
    "setup": setup_went_wrong,
    "finish": finish_went_wrong,
    "request": request_went_wrong,  # listing projects, in a request
}


class Tripwire:
    """Fires once, at ``where``, once armed (after the project is ready), in a job."""

    def __init__(self, where: str, *, only_in_jobs: bool = True) -> None:
        self.where = where
        self.armed = False
        self._only_in_jobs = only_in_jobs

    def check(self, where: str) -> None:
        # Only a run's own work trips it, not a request (which shares the storage…).
        in_job = "job_id" in log_context.current() or not self._only_in_jobs
        if self.armed and where == self.where and in_job:
            self.armed = False
            logger.info("about to fail in %s", where)  # written in the run's thread
            RAISERS[where]()


class Wrapped:
    """The real object, with some methods passing the tripwire first."""

    def __init__(self, real: Any, tripwire: Tripwire, checks: dict[str, str]) -> None:
        self._real = real
        self._tripwire = tripwire
        self._checks = checks

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        where = self._checks.get(name)
        if where is None:
            return attribute

        def checked(*args: Any, **kwargs: Any) -> Any:
            self._tripwire.check(where)
            return attribute(*args, **kwargs)

        return checked


@contextmanager
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def tripwired(settings: Settings, tripwire: Tripwire) -> Container:
    """A container whose skills, CMS, versions, storage and repository pass ``tripwire``
    at the start of every phase and step of a run."""
    container = build_container(settings)
    wrap = {
        container.skills: {
            "parsers": "ingest",
            "mapper": "mapping",
            "structurer": "structuring",
            "designer": "design",
        },
        container.cms: {"build": "site"},
        container.site_versions: {"record": "versioning"},
        container.storage: {"get": "setup"},
        container.repository: {"update_project": "finish", "list_projects": "request"},
    }
    for provider, checks in wrap.items():
        provider.override(providers.Object(Wrapped(provider(), tripwire, checks)))
    return container
