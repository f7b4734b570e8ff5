"""Every HTTP test also checks the server's log: no traceback, no error for a client mistake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.http_support import ServerLog, no_server_tracebacks


@pytest.fixture(autouse=True)
def server_log(request: pytest.FixtureRequest) -> Iterator[ServerLog]:
    with no_server_tracebacks(request) as log:
        yield log
