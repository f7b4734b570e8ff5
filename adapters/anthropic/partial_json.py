"""Reading a tool input that arrived as JSON text, possibly cut off (streamed, max_tokens).

A cut-off answer is closed deterministically: an unfinished string is ended, a dangling key
or trailing comma is dropped, and the open arrays and objects are closed in order. What
comes out is then checked against the schema like any other answer, so a field that the
cut removed is still reported as missing.
"""

from __future__ import annotations

import json
from typing import Any


class NotJson(ValueError):
    pass


def parse_tool_json(text: str) -> tuple[dict[str, Any], bool]:
    """The object in ``text`` and whether it had to be closed; raises NotJson."""
    stripped = text.strip()
    if not stripped:
        return {}, False
    try:
        value = json.loads(stripped)
        closed = False
    except json.JSONDecodeError:
        value = _close(stripped)
        closed = True
    if not isinstance(value, dict):
        raise NotJson(f"the tool input is {type(value).__name__}, not a JSON object")
    return value, closed


def _close(text: str) -> Any:
    if not text.startswith("{"):
        raise NotJson("the tool input does not start with '{'")
    if _closers(text) == "" or _unbalanced(text):
        # Complete (or over-closed) but still not JSON: that is not a cut-off answer.
        raise NotJson("the tool input is not valid JSON")
    # Try the cut as it is, then dropping back member by member: a value cut inside its text
    # is dropped rather than kept shortened.
    for candidate in _candidates(text):
        closers = _closers(candidate)
        if closers is None:
            continue
        try:
            return json.loads(candidate + closers)
        except json.JSONDecodeError:
            continue
    raise NotJson("the tool input is cut off where it cannot be closed")


def _closers(text: str) -> str | None:
    """The brackets that close ``text``; None when it ends inside a string or is unbalanced."""
    stack: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack:
                return None
            stack.pop()
    return None if in_string else "".join(reversed(stack))


def _unbalanced(text: str) -> bool:
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                return True
    return False


def _candidates(body: str) -> list[str]:
    trimmed = body.rstrip()
    # A bare number or word at the very end may itself be cut (12 of 123, tr of true).
    found = [] if trimmed[-1:].isalnum() or trimmed.endswith(".") else [trimmed]
    if trimmed.endswith(","):
        found.append(trimmed.rstrip(",").rstrip())
    for cut in range(len(trimmed) - 1, -1, -1):
        if trimmed[cut] in ",{[" and _outside_string(trimmed, cut):
            found.append(trimmed[: cut + 1] if trimmed[cut] in "{[" else trimmed[:cut])
            if len(found) > 40:
                break
    return found


def _outside_string(text: str, index: int) -> bool:
    in_string = escaped = False
    for char in text[:index]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
    return not in_string
