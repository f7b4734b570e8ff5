"""Errors reported to Sentry when ``SENTRY_DSN`` is set (imported only then).

Every record logged at ERROR or above becomes a Sentry event with its stack trace: unhandled
request errors (the request middleware logs them), failed runs (application/run_job.py logs
each with the trace of what failed) and failed jobs (the queues log them). Each event is
tagged with the ids of the work it came from — request_id, job_id, run_id, project_id, phase.
Lower records are kept as breadcrumbs of the next event.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration

from application import log_context
from config.settings import Settings
from entrypoints.logging_setup import context_fields

DISTRIBUTION = "kirby-gen"


def release() -> str:
    try:
        return f"{DISTRIBUTION}@{version(DISTRIBUTION)}"
    except PackageNotFoundError:  # running from a checkout that was never installed
        return f"{DISTRIBUTION}@unknown"


def start_error_reporting(settings: Settings) -> None:
    if sentry_sdk.get_client().dsn == settings.sentry_dsn:
        return  # already started: a service sets its logging up a second time
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.app_env.value,
        release=release(),
        # No personal data: send_default_pii stays unset, which the SDK takes as False (and
        # keeps its scrubber of secrets on); setting it at all is deprecated and warns.
        # Local variables may hold a person's material or secrets: frames are sent without.
        include_local_variables=False,
        # Only what is set here: no library is patched behind our back.
        auto_enabling_integrations=False,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        before_send=tag_event,
    )


def tag_event(event: Any, hint: dict[str, Any]) -> Any:
    """Tags the event with the ids of the work it came from (see ``context_fields``)."""
    record = hint.get("log_record")
    if isinstance(record, logging.LogRecord):
        fields = context_fields(record)
    else:
        fields = dict(log_context.current())
        exc_info = hint.get("exc_info")
        if exc_info and exc_info[1] is not None:
            fields = {**log_context.raised_in(exc_info[1]), **fields}
    if fields:
        event.setdefault("tags", {}).update(fields)
    return event
