"""Structured validation findings shared by schema validation and site checks."""

from __future__ import annotations

import enum

import attrs


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Issue:
    severity: Severity
    code: str
    path: str
    message: str


def errors(issues: list[Issue] | tuple[Issue, ...]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]
