"""Logging for every entrypoint: readable text on a terminal, or one JSON object per line
(``LOG_FORMAT=json``) carrying the ids of the request or job being handled and, for errors,
the full stack trace. With ``SENTRY_DSN`` set, errors are reported to Sentry too.

Call ``configure_logging(settings)`` once a command has its settings; a long-running service
passes ``service=True`` for timestamped text lines.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TextIO

from application import log_context
from config.settings import Settings

# Attributes every LogRecord has; anything else was passed through ``extra=`` and is logged.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Chatty libraries kept at WARNING unless the log level is stricter still.
QUIET_LOGGERS = ("httpx2", "httpx", "httpcore", "urllib3", "botocore", "boto3", "s3transfer")


def context_fields(record: logging.LogRecord) -> dict[str, str]:
    """The ids a record carries: those in force where its exception was raised, then those of
    the work logging it, then what the call passed with ``extra=`` (which wins)."""
    fields: dict[str, str] = {}
    if record.exc_info and record.exc_info[1] is not None:
        fields.update(log_context.raised_in(record.exc_info[1]))
    fields.update(log_context.current())
    for name in log_context.FIELDS:
        value = record.__dict__.get(name)
        if value is not None:
            fields[name] = str(value)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, the ids in force, any
    ``extra=`` values, and ``stack`` (the formatted traceback) when an exception is logged."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(context_fields(record))
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        stack = self._stack(record)
        if stack:
            entry["stack"] = stack
        return json.dumps(entry, default=str, ensure_ascii=False)

    def _stack(self, record: logging.LogRecord) -> str:
        parts = []
        if record.exc_info:
            parts.append(self.formatException(record.exc_info))
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return "\n".join(parts)


class TextFormatter(logging.Formatter):
    """Lines for a person: the message, the ids in force in brackets, then any traceback."""

    def __init__(self, *, timestamps: bool) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s: %(message)s" if timestamps else "%(message)s"
        )

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        line = super().formatMessage(record)
        fields = context_fields(record)
        return f"{line} [{_pairs(fields)}]" if fields else line


def _pairs(fields: Mapping[str, str]) -> str:
    return " ".join(f"{name}={fields[name]}" for name in log_context.FIELDS if name in fields)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record arrives, so a stderr replaced after
    set-up (a test's capture, a redirect) never leaves logging on a closed stream."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # the stream is always the current stderr


def configure_logging(settings: Settings, *, service: bool = False) -> None:
    """Send every log record to stderr in ``LOG_FORMAT`` at ``LOG_LEVEL`` (and errors to
    Sentry when ``SENTRY_DSN`` is set). Calling it again replaces the handler."""
    handler = _StderrHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter(timestamps=service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # uvicorn's own access log would duplicate ours (which carries the request id).
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    if settings.sentry_dsn:
        # Imported only when asked for: without a DSN the SDK is never loaded.
        from entrypoints.error_reporting import start_error_reporting

        start_error_reporting(settings)
