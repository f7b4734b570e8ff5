"""What the language-model port speaks: messages, the output tool, results and failures."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from domain.errors import KirbyGenError
from domain.project import TokenUsage


@attrs.frozen
class LlmImage:
    """An image shown to the model (already downscaled by whoever attaches it)."""

    media_type: str
    data: bytes
    label: str = ""


@attrs.frozen
class LlmMessage:
    role: str  # "user" or "assistant"
    text: str
    images: tuple[LlmImage, ...] = ()


@attrs.frozen
class LlmTool:
    """The one tool the model may call: its input is the structured answer (no side effects).

    ``input_schema`` is a JSON schema (derived from the domain model, see
    ``domain.json_schema``); the answer is validated against it again after it comes back.
    """

    name: str
    description: str
    input_schema: dict[str, Any]


@attrs.frozen
class LlmResult:
    data: dict[str, Any]
    usage: TokenUsage = TokenUsage()
    # What was done to make the raw answer parse (e.g. a truncated JSON closed), for reports.
    repairs: tuple[str, ...] = ()


class LlmFailure(enum.StrEnum):
    """Why a model call failed, as the run's machine-readable failure code."""

    AUTH = "llm_auth"  # bad or missing API key (401/403): never retried
    SPEND_LIMIT = "llm_spend_limit"  # the account's spend limit or credit ran out: never retried
    UNAVAILABLE = "llm_unavailable"  # overloaded / rate limited / 5xx after every retry
    TIMEOUT = "llm_timeout"  # no answer within the per-call timeout, after every retry
    BAD_REQUEST = "llm_bad_request"  # the API refused the request (400, 404, 413)
    BAD_OUTPUT = "llm_bad_output"  # the answer did not match the schema even after repair


# Failures a person must fix (key, billing): under KIRBYGEN_SKILLS=auto they are never hidden
# by falling back to the offline skills.
CONFIGURATION_FAILURES = frozenset({LlmFailure.AUTH, LlmFailure.SPEND_LIMIT})


class LlmError(KirbyGenError):
    def __init__(self, message: str, *, failure: LlmFailure, retries: int = 0) -> None:
        super().__init__(message, code=failure.value)
        self.failure = failure
        self.retries = retries


@attrs.frozen
class ModelSkillSettings:
    """The bounds the model-backed skills work within (from the Claude settings)."""

    documents_per_call: int = 8  # documents structured in one call
    max_document_chars: int = 12_000  # text of one document sent in a prompt
    image_px: int = 512  # longest side of an image sent to the model
    max_images: int = 6  # images sent to the design call
    max_tokens: int = 8192  # output tokens of a long answer (structuring)
    max_entities: int = 50
    max_fields_per_entity: int = 60
