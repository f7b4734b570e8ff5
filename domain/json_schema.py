"""JSON schemas derived from the domain's attrs classes, and conforming data to them.

``schema_for`` turns an attrs class into the JSON schema a language model's output tool
takes; ``conform`` checks data against such a schema and repairs near-misses
deterministically (a number sent as a string, a single value where a list is expected, an
unknown key, a missing field that has a default), listing each repair. Anything it cannot
repair raises ``LlmError(BAD_OUTPUT)`` naming the path, so nothing malformed gets through.
"""

from __future__ import annotations

import enum
import math
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from domain.llm import LlmError, LlmFailure

JsonSchema = dict[str, Any]
_DEFS_PREFIX = "#/$defs/"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})


def schema_for(cls: type, *, descriptions: Mapping[str, str] | None = None) -> JsonSchema:
    """The JSON schema of attrs class ``cls``; nested attrs classes go into ``$defs``.

    Fields without a default are required; unknown keys are not allowed. ``descriptions``
    maps ``Class.field`` to a description for the model.
    """
    defs: dict[str, JsonSchema] = {}
    root = _type_schema(cls, defs, descriptions or {})
    schema = root
    if root == {"$ref": _DEFS_PREFIX + cls.__name__}:
        schema = defs.pop(cls.__name__)
        if root["$ref"] in repr(defs):  # the class refers to itself: keep it addressable
            defs[cls.__name__] = schema
    if defs:
        schema["$defs"] = defs
    return schema


def object_schema(
    properties: Mapping[str, JsonSchema], *, required: tuple[str, ...] = ()
) -> JsonSchema:
    """An object schema assembled by hand (for tool inputs wrapping domain objects)."""
    defs: dict[str, JsonSchema] = {}
    props: dict[str, JsonSchema] = {}
    for name, prop in properties.items():
        inner = dict(prop)
        defs.update(inner.pop("$defs", {}))
        if "$ref" not in inner and "properties" in inner and "title" in inner:
            # A whole class schema: keep it addressable by reference.
            defs[inner["title"]] = inner
            inner = {"$ref": _DEFS_PREFIX + inner["title"]}
        props[name] = inner
    schema: JsonSchema = {
        "type": "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
    }
    if defs:
        schema["$defs"] = defs
    return schema


def _type_schema(tp: Any, defs: dict[str, JsonSchema], notes: Mapping[str, str]) -> JsonSchema:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object:
        return {}
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        branches = [_type_schema(a, defs, notes) for a in present]
        if len(present) < len(args):
            branches.append({"type": "null"})
        return branches[0] if len(branches) == 1 else {"anyOf": branches}
    if origin in (tuple, list):
        item = args[0] if args else Any
        return {"type": "array", "items": _type_schema(item, defs, notes)}
    if origin is dict:
        value = args[1] if len(args) == 2 else Any
        return {"type": "object", "additionalProperties": _type_schema(value, defs, notes)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if isinstance(tp, type) and attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # reserved first, so a class that refers to itself finds its name
            defs[name] = _class_schema(tp, defs, notes)
        return {"$ref": _DEFS_PREFIX + name}
    raise TypeError(f"no JSON schema for {tp!r}")


def _class_schema(cls: type, defs: dict[str, JsonSchema], notes: Mapping[str, str]) -> JsonSchema:
    hints = typing.get_type_hints(cls)
    props: dict[str, JsonSchema] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        prop = _type_schema(hints[field.name], defs, notes)
        note = notes.get(f"{cls.__name__}.{field.name}")
        if note:
            prop = {**prop, "description": note}
        default = _default_of(field)
        if default is attrs.NOTHING:
            required.append(field.name)
        elif _plain(default):
            prop = {**prop, "default": default}
        props[field.name] = prop
    return {
        "title": cls.__name__,
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _default_of(field: attrs.Attribute[Any]) -> Any:
    default = field.default
    if default is attrs.NOTHING:
        return default
    factory = getattr(default, "factory", None)
    if isinstance(default, attrs.Factory) and callable(factory):  # type: ignore[arg-type]
        return factory()
    if isinstance(default, enum.Enum):
        return default.value
    if isinstance(default, tuple):
        return list(default)
    return default


def _plain(value: Any) -> bool:
    """True for defaults that are plain JSON (not a nested attrs instance)."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return False


# --- conforming data -------------------------------------------------------------------------


class _Mismatch(Exception):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or '(root)'}: {problem}")
        self.path = path
        self.problem = problem


def conform(data: Any, schema: JsonSchema) -> tuple[Any, tuple[str, ...]]:
    """``data`` made to match ``schema``, with the repairs made; raises LlmError(BAD_OUTPUT)."""
    repairs: list[str] = []
    try:
        value = _conform(data, schema, schema.get("$defs", {}), "", repairs)
    except _Mismatch as exc:
        raise LlmError(
            f"the model's answer does not match the expected shape: {exc}",
            failure=LlmFailure.BAD_OUTPUT,
        ) from None
    return value, tuple(repairs)


def _conform(
    value: Any, schema: JsonSchema, defs: Mapping[str, JsonSchema], path: str, repairs: list[str]
) -> Any:
    if "$ref" in schema:
        return _conform(value, defs[schema["$ref"].removeprefix(_DEFS_PREFIX)], defs, path, repairs)
    if "anyOf" in schema:
        return _any_of(value, schema["anyOf"], defs, path, repairs)
    if "enum" in schema:
        return _enum(value, schema["enum"], path, repairs)
    kind = schema.get("type")
    if kind is None:
        return value
    if kind == "null":
        if value is not None:
            raise _Mismatch(path, f"expected null, got {_kind(value)}")
        return None
    if kind == "string":
        return _string(value, path, repairs)
    if kind == "integer":
        return _integer(value, path, repairs)
    if kind == "number":
        return _number(value, path, repairs)
    if kind == "boolean":
        return _boolean(value, path, repairs)
    if kind == "array":
        return _array(value, schema, defs, path, repairs)
    if kind == "object":
        return _object(value, schema, defs, path, repairs)
    raise _Mismatch(path, f"unsupported schema type {kind!r}")


def _any_of(
    value: Any,
    branches: list[JsonSchema],
    defs: Mapping[str, JsonSchema],
    path: str,
    repairs: list[str],
) -> Any:
    problems = []
    # A branch that takes the value as it is wins over one that needs repairs.
    for allow_repairs in (False, True):
        for branch in branches:
            trial: list[str] = []
            try:
                result = _conform(value, branch, defs, path, trial)
            except _Mismatch as exc:
                problems.append(exc.problem)
                continue
            if trial and not allow_repairs:
                continue
            repairs.extend(trial)
            return result
    raise _Mismatch(path, "; or ".join(dict.fromkeys(problems)))


def _enum(value: Any, allowed: list[Any], path: str, repairs: list[str]) -> Any:
    if value in allowed:
        return value
    if isinstance(value, str):
        wanted = _loose(value)
        matches = [a for a in allowed if isinstance(a, str) and _loose(a) == wanted]
        if len(matches) == 1:
            repairs.append(f"{path}: {value!r} read as {matches[0]!r}")
            return matches[0]
    raise _Mismatch(path, f"{value!r} is not one of {', '.join(map(str, allowed))}")


def _loose(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text.strip().lower())


def _string(value: Any, path: str, repairs: list[str]) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        repairs.append(f"{path}: number {value!r} read as text")
        return str(value)
    raise _Mismatch(path, f"expected text, got {_kind(value)}")


def _integer(value: Any, path: str, repairs: list[str]) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        repairs.append(f"{path}: {value!r} read as a whole number")
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        repairs.append(f"{path}: text {value!r} read as a whole number")
        return int(value)
    raise _Mismatch(path, f"expected a whole number, got {_kind(value)} {value!r}")


def _number(value: Any, path: str, repairs: list[str]) -> float | int:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        number = float(value)
        repairs.append(f"{path}: text {value!r} read as a number")
        return int(number) if number.is_integer() else number
    raise _Mismatch(path, f"expected a number, got {_kind(value)} {value!r}")


def _boolean(value: Any, path: str, repairs: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else None
    if word in _TRUE or word in _FALSE:
        repairs.append(f"{path}: {value!r} read as {word in _TRUE}")
        return word in _TRUE
    raise _Mismatch(path, f"expected true or false, got {_kind(value)} {value!r}")


def _array(
    value: Any, schema: JsonSchema, defs: Mapping[str, JsonSchema], path: str, repairs: list[str]
) -> list[Any]:
    if not isinstance(value, list | tuple):
        if value is None:
            raise _Mismatch(path, "expected a list, got null")
        repairs.append(f"{path}: a single value read as a list of one")
        value = [value]
    items = schema.get("items", {})
    return [_conform(v, items, defs, f"{path}[{i}]", repairs) for i, v in enumerate(value)]


def _object(
    value: Any, schema: JsonSchema, defs: Mapping[str, JsonSchema], path: str, repairs: list[str]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Mismatch(path, f"expected an object, got {_kind(value)}")
    props: Mapping[str, JsonSchema] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    result: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{path}.{key}" if path else str(key)
        if key in props:
            result[key] = _conform(item, props[key], defs, where, repairs)
        elif isinstance(extra, dict):
            result[key] = _conform(item, extra, defs, where, repairs)
        elif extra is False:
            repairs.append(f"{where}: unknown key dropped")
        else:
            result[key] = item
    for key in schema.get("required", []):
        if key not in result:
            where = f"{path}.{key}" if path else key
            raise _Mismatch(where, "a required field is missing")
    for key, prop in props.items():
        if key not in result and "default" in prop:
            result[key] = prop["default"]  # an optional field left out: not a repair
    return result


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
