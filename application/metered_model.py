"""A language model whose every call is counted in the current model-use ledger."""

from __future__ import annotations

from collections.abc import Sequence

from domain.llm import LlmError, LlmMessage, LlmResult, LlmTool
from domain.model_use import record_usage
from domain.ports import LanguageModel
from domain.project import TokenUsage


class MeteredLanguageModel:
    """``LanguageModel`` that adds each call's usage (and the retries of a failed call) to
    the ledger of the run or conversation turn it is made in."""

    def __init__(self, inner: LanguageModel) -> None:
        self._inner = inner

    def structured(
        self,
        system: str,
        messages: Sequence[LlmMessage],
        tool: LlmTool,
        *,
        max_tokens: int | None = None,
        toolbox: Sequence[LlmTool] = (),
    ) -> LlmResult:
        try:
            result = self._inner.structured(
                system, messages, tool, max_tokens=max_tokens, toolbox=toolbox
            )
        except LlmError as error:
            record_usage(TokenUsage(retries=error.retries))
            raise
        record_usage(result.usage)
        return result
