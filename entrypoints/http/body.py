"""Reading a request body from an untrusted client: bounded in size, in time and in shape.

The body arrives in chunks; each must come within ``idle_seconds`` and the whole within
``total_seconds`` (a client sending one byte a second is refused with 408, not waited for).
JSON is refused when it nests deeper than ``max_depth`` or holds a string that is not valid
Unicode (a lone surrogate such as ``\\ud800`` decodes from JSON but can never be stored).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from domain.errors import InvalidInput
from domain.refusals import TimedOut


async def timed_chunks(
    stream: AsyncIterator[bytes],
    *,
    idle_seconds: float,
    total_seconds: float,
    idle_limit: str,
    total_limit: str,
) -> AsyncIterator[bytes]:
    """The stream's chunks; raises TimedOut (naming the setting) when one is late."""
    deadline = time.monotonic() + total_seconds
    iterator = aiter(stream)
    while True:
        remaining = deadline - time.monotonic()
        wait = min(idle_seconds, remaining)
        limit, value = (
            (idle_limit, idle_seconds) if wait < remaining else (total_limit, total_seconds)
        )
        if wait <= 0:
            raise _late(total_limit, total_seconds)
        try:
            chunk = await asyncio.wait_for(anext(iterator), wait)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise _late(limit, value) from None
        yield chunk


def _late(limit: str, value: float) -> TimedOut:
    return TimedOut(
        f"the request body did not arrive in time ({limit}={int(value)} s)",
        limit=limit,
        value=int(value),
    )


def parse_json(raw: bytes, *, max_depth: int) -> Any:
    """The JSON value in ``raw``; 400 for bad syntax, bad Unicode or nesting past the limit."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("the body is not valid JSON", code="invalid_json") from None
    check_json_shape(data, max_depth=max_depth)
    return data


def check_json_shape(data: Any, *, max_depth: int) -> None:
    """Walks the value without recursion: depth within ``max_depth``, every string and key
    encodable as UTF-8."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, (list, dict)):
            if depth > max_depth:
                raise _too_deep(max_depth)
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            "the body holds a string that is not valid Unicode (a lone surrogate such as "
            "\\ud800); send UTF-8 text",
            code="invalid_unicode",
        ) from None


def _too_deep(max_depth: int) -> InvalidInput:
    return InvalidInput(
        f"the JSON body nests deeper than KIRBYGEN_MAX_JSON_DEPTH={max_depth}",
        code="json_too_deep",
    )
