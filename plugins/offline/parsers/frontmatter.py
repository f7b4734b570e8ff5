"""YAML front matter: a mapping fenced by '---' lines at the very top of a Markdown file."""

from __future__ import annotations

import datetime as dt
import math

import attrs
import yaml

from domain.documents import Locator
from domain.errors import InvalidInput
from plugins.offline.parsers.textlines import SourceLine, span

_FENCE = "---"
_CLOSERS = ("---", "...")
# Aliases let a few lines of YAML describe an exponentially large tree; refuse those.
_MAX_NODES = 5000
_MAX_DEPTH = 20


@attrs.frozen
class FrontMatter:
    data: dict[str, object]
    locator: Locator
    body_start: int  # index of the first line after the closing fence


def read_front_matter(lines: list[SourceLine], source_name: str) -> FrontMatter | None:
    """The front matter of a file, or None when it has none or it is not a YAML mapping
    (the lines are then ordinary text)."""
    if not lines or lines[0].text.rstrip() != _FENCE:
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].text.rstrip() in _CLOSERS), None)
    if close is None:
        return None
    raw = "\n".join(line.text for line in lines[1:close])
    if not raw.strip():
        data: object = {}
    else:
        try:
            data = yaml.safe_load(raw)
        except (yaml.YAMLError, RecursionError):
            return None
    if not isinstance(data, dict):
        return None
    budget = _Budget(source_name)
    normalised = {str(key): budget.json_value(value, 1) for key, value in data.items()}
    return FrontMatter(data=normalised, locator=span(lines[: close + 1]), body_start=close + 1)


class _Budget:
    """Converts YAML values to JSON-compatible ones, refusing trees that are too big."""

    def __init__(self, source_name: str) -> None:
        self._source = source_name
        self._nodes = 0

    def json_value(self, value: object, depth: int) -> object:
        self._nodes += 1
        if self._nodes > _MAX_NODES or depth > _MAX_DEPTH:
            raise InvalidInput(
                f"The front matter of {self._source} is too large or too deeply nested.",
                code="parse_error",
            )
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [self.json_value(item, depth + 1) for item in value]
        if isinstance(value, dict):
            return {str(k): self.json_value(v, depth + 1) for k, v in value.items()}
        return str(value)
