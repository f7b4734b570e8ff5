"""In-process runs of `kirbygen` point the root logger at the stderr of the test that ran
them (pytest's capture); once that test ends the stream is closed, and the next log record
from any later test would print a logging error. This fixture drops such handlers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


def _drop_closed_handlers() -> None:
    root = logging.getLogger()
    for handler in root.handlers[:]:
        stream = getattr(handler, "stream", None)
        if isinstance(handler, logging.StreamHandler) and getattr(stream, "closed", False):
            root.removeHandler(handler)


@pytest.fixture
def fresh_cli_logging() -> Iterator[None]:
    _drop_closed_handlers()
    yield
    _drop_closed_handlers()
