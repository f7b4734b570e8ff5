"""JSON (de)serialisation of domain objects through one cattrs converter."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

import cattrs
from cattrs.preconf.json import make_converter

from domain.project import FailedAt, failed_at

T = TypeVar("T")

converter: cattrs.Converter = make_converter(omit_if_default=False)
converter.register_unstructure_hook(datetime, lambda dt: dt.isoformat())
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
# `object` annotates free-form JSON values (field values, front matter): kept as they are.
# (A predicate, not a class hook: a class hook on `object` would match every class.)
converter.register_structure_hook_func(lambda cls: cls is object, lambda value, _: value)
# Where a run failed: a phase or a step, told apart by the name (two enums cattrs cannot pick).
converter.register_structure_hook_func(lambda cls: cls == FailedAt, lambda v, _: failed_at(v))


def to_data(obj: object) -> Any:
    """Domain object -> JSON-compatible data."""
    return converter.unstructure(obj)


def from_data(data: Any, cls: type[T]) -> T:
    """JSON-compatible data -> domain object; raises cattrs errors on a wrong shape."""
    return converter.structure(data, cls)


def to_json(obj: object, *, indent: int | None = 2) -> str:
    """Canonical JSON: sorted keys, stable across runs so unchanged inputs give unchanged files."""
    return json.dumps(to_data(obj), indent=indent, sort_keys=True, ensure_ascii=False) + "\n"


def to_layered_json(obj: object, *, depth: int = 2) -> str:
    """Canonical JSON like ``to_json``, indented for the top ``depth`` levels and with each
    deeper value on one line: a list of 1,000 items reads (and diffs) one item per line, and
    encodes with the C encoder (an ``indent`` makes ``json`` fall back to pure Python, some
    ten times slower)."""
    compact = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": ")).encode

    def encode(value: Any, level: int) -> str:
        if level >= depth or not value or not isinstance(value, dict | list):
            return compact(value)
        pad, close = "  " * (level + 1), "  " * level
        if isinstance(value, dict):
            inner = [f"{pad}{compact(k)}: {encode(v, level + 1)}" for k, v in sorted(value.items())]
            return "{\n" + ",\n".join(inner) + "\n" + close + "}"
        inner = [pad + encode(v, level + 1) for v in value]
        return "[\n" + ",\n".join(inner) + "\n" + close + "]"

    return encode(to_data(obj), 0) + "\n"


def from_json(text: str | bytes, cls: type[T]) -> T:
    return from_data(json.loads(text), cls)
