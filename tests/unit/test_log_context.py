"""The log ids: bound for a block, carried into threads, remembered by exceptions, and
written by both formatters."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.concurrency import run_in_threadpool

from application import log_context
from config.settings import Settings
from entrypoints.logging_setup import JsonFormatter, TextFormatter, configure_logging


def test_bound_fields_add_up_and_end_with_their_block() -> None:
    assert log_context.current() == {}
    with log_context.bound(run_id="r1", phase=None):
        with log_context.bound(phase="design"):
            assert log_context.current() == {"run_id": "r1", "phase": "design"}
        assert log_context.current() == {"run_id": "r1"}
    assert log_context.current() == {}


def test_the_fields_follow_the_work_into_threads() -> None:
    async def main() -> tuple[object, object]:
        with log_context.bound(request_id="q1"):
            pooled = await run_in_threadpool(lambda: dict(log_context.current()))
            threaded = await asyncio.to_thread(lambda: dict(log_context.current()))
        return pooled, threaded

    assert asyncio.run(main()) == ({"request_id": "q1"}, {"request_id": "q1"})


def test_carried_work_has_the_fields_in_a_pool_of_our_own() -> None:
    def fields(n: int) -> tuple[int, dict[str, str]]:
        return n, dict(log_context.current())

    with log_context.bound(run_id="r1", phase="ingest"):
        work = log_context.carried(fields)
    with ThreadPoolExecutor(max_workers=3) as pool:
        bare = list(pool.map(fields, range(3)))
        carried = list(pool.map(work, range(6)))
    assert bare == [(n, {}) for n in range(3)]
    assert carried == [(n, {"run_id": "r1", "phase": "ingest"}) for n in range(6)]


def test_an_exception_remembers_the_innermost_fields_it_left() -> None:
    outer, inner = log_context.bound(run_id="r1"), log_context.bound(phase="mapping")
    with pytest.raises(KeyError) as raised, outer, inner:
        raise KeyError("x")
    assert log_context.raised_in(raised.value) == {"run_id": "r1", "phase": "mapping"}
    assert log_context.raised_in(ValueError()) == {}


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("kirbygen.test", logging.ERROR, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_a_logged_exception_carries_where_it_was_raised_then_the_current_fields() -> None:
    try:
        with log_context.bound(run_id="r1", phase="site"):
            raise RuntimeError("broke")
    except RuntimeError:
        record = _record("failed", phase="finish")
        record.exc_info = sys.exc_info()
    with log_context.bound(job_id="j1"):
        entry = json.loads(JsonFormatter().format(record))
    assert (entry["run_id"], entry["job_id"], entry["phase"]) == ("r1", "j1", "finish")
    assert 'raise RuntimeError("broke")' in entry["stack"]
    assert entry["level"] == "error" and entry["logger"] == "kirbygen.test"


def test_a_stack_asked_for_without_an_exception_is_the_stack_field() -> None:
    record = _record("look here")
    record.stack_info = "Stack (most recent call last):\n  here"
    assert "here" in json.loads(JsonFormatter().format(record))["stack"]


def test_text_lines_name_the_ids_in_brackets() -> None:
    with log_context.bound(run_id="r1", phase="design", job_id="j1"):
        line = TextFormatter(timestamps=False).format(_record("working"))
    assert line == "working [job_id=j1 run_id=r1 phase=design]"
    service = TextFormatter(timestamps=True).format(_record("plain"))
    assert service.endswith(" ERROR kirbygen.test: plain") and service[:4].isdigit()


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.usefixtures("restored_logging")
def test_configure_logging_installs_one_handler_in_the_asked_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(Settings(log_level="WARNING", log_format="json"))
    configure_logging(Settings(log_level="WARNING", log_format="json"), service=True)
    root = logging.getLogger()
    assert len(root.handlers) == 1 and isinstance(root.handlers[0].formatter, JsonFormatter)
    assert root.level == logging.WARNING
    assert logging.getLogger("httpx2").level == logging.WARNING
    logging.getLogger("kirbygen.test").info("not shown")
    logging.getLogger("kirbygen.test").warning("shown")
    lines = capsys.readouterr().err.splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["shown"]


def test_a_sentry_event_without_a_log_record_is_tagged_from_where_it_was_raised() -> None:
    from entrypoints.error_reporting import release, tag_event

    try:
        with log_context.bound(run_id="r9", phase="setup"):
            raise RuntimeError("uncaught")
    except RuntimeError:
        exc_info = sys.exc_info()
    with log_context.bound(job_id="j9"):
        event = tag_event({"tags": {"kept": "yes"}}, {"exc_info": exc_info})
    assert event["tags"] == {"kept": "yes", "run_id": "r9", "phase": "setup", "job_id": "j9"}
    assert tag_event({}, {}) == {}
    assert release().startswith("kirby-gen@")
