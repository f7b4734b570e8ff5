"""How an error from the Messages API is handled: retried, deferred or final (and why)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

import anthropic
import attrs

from domain.llm import LlmFailure

# A 429 whose body says this is about money, not about pace: waiting will not help.
_SPEND_WORDS = ("spend limit", "spending limit", "credit balance", "billing", "usage limit")
_SPEND_TYPES = frozenset({"billing_error"})


@attrs.frozen
class Verdict:
    failure: LlmFailure
    retryable: bool
    retry_after: float | None  # seconds the server asked for, when it did
    reason: str


def judge(error: Exception) -> Verdict:
    """What an exception raised by the SDK means for the call."""
    if isinstance(error, anthropic.APITimeoutError):
        return Verdict(LlmFailure.TIMEOUT, True, None, "the call timed out")
    if isinstance(error, anthropic.APIConnectionError):
        return Verdict(LlmFailure.UNAVAILABLE, True, None, "the API could not be reached")
    if not isinstance(error, anthropic.APIStatusError):
        raise error
    status = error.status_code
    message = (error.api_message or str(error)).strip()
    wait = retry_after(error.response.headers)
    if status in (401, 403):
        return Verdict(LlmFailure.AUTH, False, None, f"the API key was refused ({status})")
    if _is_spend_limit(error):
        return Verdict(
            LlmFailure.SPEND_LIMIT, False, None, f"the spend limit was reached ({status})"
        )
    if status == 429:
        return Verdict(LlmFailure.UNAVAILABLE, True, wait, "rate limited (429)")
    if status == 529:
        return Verdict(LlmFailure.UNAVAILABLE, True, wait, "the API is overloaded (529)")
    if status >= 500 or status == 408:
        return Verdict(LlmFailure.UNAVAILABLE, True, wait, f"the API failed ({status})")
    return Verdict(
        LlmFailure.BAD_REQUEST, False, None, f"the API refused the request ({status}: {message})"
    )


def _is_spend_limit(error: anthropic.APIStatusError) -> bool:
    if error.status_code == 402 or (error.type or "") in _SPEND_TYPES:
        return True
    if error.status_code not in (400, 429):
        return False
    text = " ".join(
        part.lower() for part in (error.api_message, error.error_code) if isinstance(part, str)
    )
    return any(word in text for word in _SPEND_WORDS)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - time.time())
