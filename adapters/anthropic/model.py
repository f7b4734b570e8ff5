"""``LanguageModel`` on the Anthropic Messages API.

One tool, forced with ``tool_choice``, carries the structured answer; its input is parsed
(closing a cut-off JSON text when needed) and handed back. The system prompt and the tool
are marked for prompt caching, so a run's later calls read them from the cache. The SDK's
own retries are off: this class retries overloads, rate limits, 5xx and timeouts itself,
honouring ``retry-after``, so that every retry is counted and a long wait defers the job
instead of holding a worker. Auth and spend-limit errors are final at once.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import anthropic

from adapters.anthropic.failures import Verdict, judge
from adapters.anthropic.partial_json import NotJson, parse_tool_json
from config.settings import ClaudeSettings
from domain.errors import RunDeferred
from domain.llm import LlmError, LlmFailure, LlmMessage, LlmResult, LlmTool
from domain.project import TokenUsage

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0
_CACHE = {"type": "ephemeral"}


class AnthropicLanguageModel:
    """``domain.ports.LanguageModel`` through the official SDK.

    ``sleep`` and ``monotonic`` are injected so that tests of retries do not wait.
    """

    def __init__(
        self,
        settings: ClaudeSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._monotonic = monotonic
        self._client = anthropic.Anthropic(
            api_key=settings.api_key or None,
            base_url=settings.base_url or None,
            max_retries=0,
            timeout=float(settings.timeout_seconds),
        )

    @property
    def model(self) -> str:
        return self._settings.model

    def close(self) -> None:
        self._client.close()

    def structured(
        self,
        system: str,
        messages: Sequence[LlmMessage],
        tool: LlmTool,
        *,
        max_tokens: int | None = None,
        toolbox: Sequence[LlmTool] = (),
    ) -> LlmResult:
        limit = max_tokens or self._settings.max_tokens
        params = self._params(system, messages, [*toolbox] if tool in toolbox else [tool], tool)
        params["max_tokens"] = limit
        stream = limit >= self._settings.stream_min_tokens
        retries = 0
        started = self._monotonic()
        while True:
            try:
                raw, counts, stop = self._stream(params) if stream else self._create(params)
                break
            except anthropic.AnthropicError as error:
                verdict = judge(error)
                retries = self._wait_or_raise(verdict, retries)
        latency = round((self._monotonic() - started) * 1000)
        data, repairs = self._tool_input(raw, tool, stop)
        usage = TokenUsage(
            input_tokens=counts.get("input_tokens", 0),
            output_tokens=counts.get("output_tokens", 0),
            cache_read_input_tokens=counts.get("cache_read_input_tokens", 0),
            cache_creation_input_tokens=counts.get("cache_creation_input_tokens", 0),
            calls=1,
            retries=retries,
            latency_ms=latency,
            cost_usd=self._cost(counts),
        )
        logger.info(
            "model call %s (%s): %d in, %d out, %d cached, %d retries, %d ms",
            tool.name,
            self._settings.model,
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_read_input_tokens,
            retries,
            latency,
        )
        return LlmResult(data=data, usage=usage, repairs=repairs)

    # --- the request -----------------------------------------------------------------------

    def _params(
        self, system: str, messages: Sequence[LlmMessage], tools: list[LlmTool], tool: LlmTool
    ) -> dict[str, Any]:
        return {
            "model": self._settings.model,
            # Tools come first in the cached prefix, then the system prompt: the breakpoint on
            # the system block caches both.
            "system": [{"type": "text", "text": system, "cache_control": _CACHE}],
            "tools": [
                {"name": t.name, "description": t.description, "input_schema": t.input_schema}
                for t in tools
            ],
            "tool_choice": {"type": "tool", "name": tool.name},
            "messages": [_message(m) for m in messages],
        }

    def _create(self, params: dict[str, Any]) -> tuple[object, dict[str, int], str | None]:
        response = self._client.messages.create(**params)
        block = next((b for b in response.content if getattr(b, "type", None) == "tool_use"), None)
        raw: object = None if block is None else block.input
        return raw, _usage(response.usage), response.stop_reason

    def _stream(self, params: dict[str, Any]) -> tuple[object, dict[str, int], str | None]:
        """Stream the answer, gathering the tool input's JSON text as it arrives."""
        usage: dict[str, int] = {}
        parts: list[str] = []
        tool_index: int | None = None
        stop: str | None = None
        with self._client.messages.create(**params, stream=True) as events:
            for event in events:
                kind = event.type
                if kind == "message_start":
                    usage.update(_usage(event.message.usage))
                elif kind == "content_block_start" and event.content_block.type == "tool_use":
                    tool_index = event.index if tool_index is None else tool_index
                elif kind == "content_block_delta" and event.index == tool_index:
                    if event.delta.type == "input_json_delta":
                        parts.append(event.delta.partial_json)
                elif kind == "message_delta":
                    stop = event.delta.stop_reason
                    usage.update({k: v for k, v in _usage(event.usage).items() if v})
        return (None if tool_index is None else "".join(parts)), usage, stop

    # --- retries ---------------------------------------------------------------------------

    def _wait_or_raise(self, verdict: Verdict, retries: int) -> int:
        """Sleep before the next attempt and return the new retry count, or raise."""
        if not verdict.retryable:
            raise LlmError(_message_for(verdict, retries), failure=verdict.failure, retries=0)
        if retries >= self._settings.max_retries:
            raise LlmError(_message_for(verdict, retries), failure=verdict.failure, retries=retries)
        wait = verdict.retry_after
        if wait is None:
            wait = min(MAX_BACKOFF_SECONDS, self._settings.backoff_ms / 1000 * 2**retries)
        if wait > self._settings.max_wait_seconds:
            raise RunDeferred(
                f"the model API asked to wait {wait:.0f} s ({verdict.reason})",
                delay_seconds=wait,
            )
        logger.warning("model call: %s; retrying in %.1f s", verdict.reason, wait)
        self._sleep(wait)
        return retries + 1

    # --- the answer ------------------------------------------------------------------------

    def _tool_input(
        self, raw: object, tool: LlmTool, stop: str | None
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        if raw is None:
            raise LlmError(
                f"the model answered without calling the tool {tool.name!r}",
                failure=LlmFailure.BAD_OUTPUT,
            )
        if isinstance(raw, dict):
            return raw, ()
        if not isinstance(raw, str):
            raise LlmError(
                f"the tool input is {type(raw).__name__}, not a JSON object",
                failure=LlmFailure.BAD_OUTPUT,
            )
        try:
            data, closed = parse_tool_json(raw)
        except NotJson as exc:
            raise LlmError(
                f"the model's answer is not valid JSON: {exc}", failure=LlmFailure.BAD_OUTPUT
            ) from None
        if not closed:
            return data, ()
        why = "the output token limit" if stop == "max_tokens" else "the end of the answer"
        return data, (f"the answer was cut off by {why}; its unfinished end was dropped",)

    def _cost(self, usage: dict[str, int]) -> float:
        price = self._settings.price
        if price is None:
            return 0.0
        total = (
            usage.get("input_tokens", 0) * price.input
            + usage.get("output_tokens", 0) * price.output
            + usage.get("cache_creation_input_tokens", 0) * price.cache_write
            + usage.get("cache_read_input_tokens", 0) * price.cache_read
        )
        return round(total / 1_000_000, 6)


def _message(message: LlmMessage) -> dict[str, Any]:
    content: list[dict[str, Any]] = [
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": image.media_type,
                "data": base64.b64encode(image.data).decode("ascii"),
            },
        }
        for image in message.images
    ]
    content.append({"type": "text", "text": message.text})
    return {"role": message.role, "content": content}


def _usage(usage: object) -> dict[str, int]:
    names = (
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
    )
    return {name: int(getattr(usage, name, 0) or 0) for name in names}


def _message_for(verdict: Verdict, retries: int) -> str:
    hints = {
        LlmFailure.AUTH: "bad API key: check ANTHROPIC_API_KEY (or CLAUDE_API_KEY)",
        LlmFailure.SPEND_LIMIT: "spend limit reached: raise the limit or add credit in the "
        "Anthropic console",
    }
    if verdict.failure in hints:
        return f"the model call failed: {hints[verdict.failure]} ({verdict.reason})"
    tried = f" after {retries} retries" if retries else ""
    return f"the model call failed{tried}: {verdict.reason}"
