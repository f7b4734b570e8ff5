"""A fake of Anthropic's Messages API on loopback, driven by scripted turns.

It speaks the wire protocol the ``anthropic`` SDK uses: ``POST /v1/messages`` answered with
a message (text or ``tool_use``), as JSON or as server-sent events when the request asks to
stream, with ``usage`` including the prompt-cache fields; or with an error body and status
(400/401/429/500/529…) and an optional ``retry-after``. Each request takes the next scripted
turn; a ``responder`` answers when the script is empty. Every request is kept in
``received`` so tests can look at what the model was sent.

Prompt caching is simulated: the prefix up to a ``cache_control`` breakpoint (tools, then
system) is written to the cache the first time and read from it afterwards.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support.loopback import serve_on_loopback

VALID_KEY = "sk-ant-test-key"
# What the API counts for an image of about 512 x 512 px (width x height / 750).
IMAGE_TOKENS = 350
CHUNK_CHARS = 48


@attrs.frozen
class ToolTurn:
    """The model calls the request's tool with ``input`` (a dict, or raw JSON text)."""

    input: dict[str, Any] | str
    stop_reason: str = "tool_use"
    name: str | None = None  # default: the tool the request forces


@attrs.frozen
class TextTurn:
    text: str


@attrs.frozen
class ErrorTurn:
    status: int
    type: str
    message: str
    retry_after: str | None = None
    error_code: str | None = None


Turn = ToolTurn | TextTurn | ErrorTurn
Responder = Callable[[dict[str, Any]], Turn]


@attrs.frozen
class Received:
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def tool(self) -> str | None:
        choice = self.body.get("tool_choice") or {}
        name = choice.get("name")
        return str(name) if name else None

    def texts(self) -> list[str]:
        """Every text the request carried: system blocks, then message text blocks."""
        found = [b["text"] for b in _blocks(self.body.get("system"))]
        for message in self.body.get("messages", []):
            found.extend(b["text"] for b in _blocks(message["content"]) if b["type"] == "text")
        return found


def _blocks(content: Any) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content)


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class FakeAnthropic:
    def __init__(self, *turns: Turn, responder: Responder | None = None) -> None:
        self._turns: deque[Turn] = deque(turns)
        self.responder = responder
        self.received: list[Received] = []
        self.usages: list[dict[str, int]] = []  # the usage of every message answered
        self._cache: set[str] = set()
        self._lock = threading.Lock()
        self.base_url = ""

    def script(self, *turns: Turn) -> None:
        with self._lock:
            self._turns.extend(turns)

    @property
    def remaining(self) -> int:
        return len(self._turns)

    def calls(self, tool: str | None = None) -> list[Received]:
        return [r for r in self.received if tool is None or r.tool == tool]

    # --- the app ---------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"])])

    async def _messages(self, request: Request) -> Response:
        body = await request.json()
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            self.received.append(Received(headers, body))
            turn = self._turns.popleft() if self._turns else None
        if (
            headers.get("authorization") != f"Bearer {VALID_KEY}"
            and headers.get("x-api-key") != VALID_KEY
        ):
            return _error(ErrorTurn(401, "authentication_error", "invalid x-api-key"))
        if turn is None:
            if self.responder is None:
                return _error(ErrorTurn(500, "api_error", "the fake has no scripted turn left"))
            turn = self.responder(body)
        if isinstance(turn, ErrorTurn):
            return _error(turn)
        message, raw_input = self._message(body, turn)
        self.usages.append(dict(message["usage"]))
        if body.get("stream"):
            return StreamingResponse(_events(message, raw_input), media_type="text/event-stream")
        if raw_input is not None:
            message["content"][0]["input"] = raw_input
        return JSONResponse(message, headers={"request-id": f"req_{len(self.received)}"})

    def _message(self, body: dict[str, Any], turn: Turn) -> tuple[dict[str, Any], str | None]:
        usage = self._usage(body)
        raw_input: str | None = None
        if isinstance(turn, TextTurn):
            content: list[dict[str, Any]] = [{"type": "text", "text": turn.text}]
            stop = "end_turn"
            usage["output_tokens"] = _tokens(turn.text)
        else:
            name = turn.name or (body.get("tool_choice") or {}).get("name") or "tool"
            tool_input = turn.input if isinstance(turn.input, dict) else {}
            raw_input = turn.input if isinstance(turn.input, str) else None
            content = [
                {
                    "type": "tool_use",
                    "id": f"toolu_{len(self.received):04d}",
                    "name": name,
                    "input": tool_input,
                }
            ]
            stop = turn.stop_reason
            usage["output_tokens"] = _tokens(raw_input or json.dumps(tool_input))
        message = {
            "id": f"msg_{len(self.received):04d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", ""),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
        }
        return message, raw_input

    def _usage(self, body: dict[str, Any]) -> dict[str, int]:
        """Input tokens split into cached and uncached parts, as the API reports them."""
        prefix_parts: list[Any] = []
        cached_prefix = ""
        for part in [*(body.get("tools") or []), *_blocks(body.get("system"))]:
            prefix_parts.append(part)
            if isinstance(part, dict) and part.get("cache_control"):
                cached_prefix = json.dumps(prefix_parts, sort_keys=True)
        messages, images = _without_images(body.get("messages") or [])
        everything = json.dumps([body.get("tools"), body.get("system"), messages], sort_keys=True)
        read = created = 0
        if cached_prefix:
            key = hashlib.sha256((body.get("model", "") + cached_prefix).encode()).hexdigest()
            with self._lock:
                if key in self._cache:
                    read = _tokens(cached_prefix)
                else:
                    self._cache.add(key)
                    created = _tokens(cached_prefix)
        return {
            "input_tokens": max(1, _tokens(everything) - read - created) + images * IMAGE_TOKENS,
            "output_tokens": 0,
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": created,
        }

    # --- running it --------------------------------------------------------------------------

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on 127.0.0.1 (a free port) in a thread; yields the base URL."""
        with serve_on_loopback(self.app(), "the fake Anthropic server") as url:
            self.base_url = url
            yield self.base_url


def _without_images(messages: list[Any]) -> tuple[list[Any], int]:
    """The messages with image blocks taken out (counted apart), and how many there were."""
    kept: list[Any] = []
    count = 0
    for message in messages:
        blocks = _blocks(message.get("content"))
        count += sum(1 for b in blocks if b.get("type") == "image")
        kept.append({**message, "content": [b for b in blocks if b.get("type") != "image"]})
    return kept, count


def _error(turn: ErrorTurn) -> JSONResponse:
    error: dict[str, Any] = {"type": turn.type, "message": turn.message}
    if turn.error_code:
        error["details"] = {"error_code": turn.error_code}
    headers = {"request-id": "req_error"}
    if turn.retry_after is not None:
        headers["retry-after"] = turn.retry_after
    return JSONResponse({"type": "error", "error": error}, status_code=turn.status, headers=headers)


async def _events(message: dict[str, Any], raw_input: str | None) -> Any:
    content = message["content"][0]
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    yield _sse("message_start", {"type": "message_start", "message": start})
    if content["type"] == "text":
        block = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": content["text"]}]
    else:
        block = {**content, "input": {}}
        text = raw_input if raw_input is not None else json.dumps(content["input"])
        deltas = [
            {"type": "input_json_delta", "partial_json": text[i : i + CHUNK_CHARS]}
            for i in range(0, len(text), CHUNK_CHARS)
        ]
    yield _sse(
        "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
    )
    for delta in deltas:
        await asyncio.sleep(0)
        yield _sse(
            "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
        )
    yield _sse("content_block_stop", {"type": "content_block_stop", "index": 0})
    yield _sse(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    yield _sse("message_stop", {"type": "message_stop"})


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
