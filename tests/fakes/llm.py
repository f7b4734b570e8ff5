"""A language model that answers from a queue the test fills."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

import attrs

from domain.llm import LlmMessage, LlmResult, LlmTool
from domain.project import TokenUsage


@attrs.frozen
class LlmCall:
    system: str
    messages: tuple[LlmMessage, ...]
    tool: LlmTool
    max_tokens: int | None = None
    toolbox: tuple[LlmTool, ...] = ()


class FakeLanguageModel:
    """``LanguageModel`` returning queued results in order; a queued exception is raised.

    Every request is kept in ``calls``. Asking with nothing queued is a test bug and raises
    ``AssertionError`` naming the request.
    """

    def __init__(self, *results: LlmResult | dict[str, Any] | Exception) -> None:
        self._queue: deque[LlmResult | Exception] = deque()
        self.calls: list[LlmCall] = []
        for result in results:
            self.queue(result)

    def queue(
        self,
        result: LlmResult | dict[str, Any] | Exception,
        *,
        input_tokens: int = 10,
        output_tokens: int = 20,
    ) -> None:
        """Add a result; a plain dict becomes an ``LlmResult`` with the given token counts."""
        if isinstance(result, dict):
            usage = TokenUsage(input_tokens=input_tokens, output_tokens=output_tokens, calls=1)
            result = LlmResult(data=result, usage=usage)
        self._queue.append(result)

    def structured(
        self,
        system: str,
        messages: Sequence[LlmMessage],
        tool: LlmTool,
        *,
        max_tokens: int | None = None,
        toolbox: Sequence[LlmTool] = (),
    ) -> LlmResult:
        self.calls.append(LlmCall(system, tuple(messages), tool, max_tokens, tuple(toolbox)))
        if not self._queue:
            raise AssertionError(f"FakeLanguageModel has no queued result for: {system[:80]!r}")
        result = self._queue.popleft()
        if isinstance(result, Exception):
            raise result
        return result

    @property
    def remaining(self) -> int:
        return len(self._queue)
