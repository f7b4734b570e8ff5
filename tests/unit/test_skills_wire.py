"""What a skill raises on the skills service is raised again by its client: the same class
(or one named like it), code, message and fields — so a run fails with the same words."""

from __future__ import annotations

import pytest

from adapters.skills_http.wire import SkillCrashed, decode_error, encode_error
from domain.documents import RejectedInput, RejectionCode
from domain.errors import KirbyGenError, RunDeferred
from domain.llm import LlmError, LlmFailure
from domain.refusals import Unprocessable
from plugins.errors import MissingSkill


class PluginOwnError(Unprocessable):
    """A plugin's own error class, unknown to the client."""


def _round_trip(error: BaseException) -> BaseException:
    return decode_error(*encode_error(error))


def test_a_model_failure_keeps_its_failure_and_retries() -> None:
    again = _round_trip(LlmError("overloaded", failure=LlmFailure.UNAVAILABLE, retries=4))
    assert isinstance(again, LlmError)
    assert (again.failure, again.retries, again.code) == (
        LlmFailure.UNAVAILABLE,
        4,
        "llm_unavailable",
    )
    assert again.message == "overloaded"


def test_a_deferral_keeps_its_delay() -> None:
    again = _round_trip(RunDeferred("retry after 120 s", delay_seconds=120))
    assert isinstance(again, RunDeferred)
    assert again.delay_seconds == 120


def test_a_refused_file_keeps_its_code_and_reason() -> None:
    again = _round_trip(RejectedInput(RejectionCode.LIMIT_EXCEEDED, "max_pdf_pages=500"))
    assert isinstance(again, RejectedInput)
    assert (again.code, again.reason) == (RejectionCode.LIMIT_EXCEEDED, "max_pdf_pages=500")


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        (MissingSkill("no mapping"), MissingSkill),
        (KirbyGenError("odd", code="custom_code"), KirbyGenError),
        (PluginOwnError("mine", code="plugin_code"), Unprocessable),  # nearest known class
    ],
)
def test_domain_errors_keep_class_code_and_message(
    error: KirbyGenError, cls: type[KirbyGenError]
) -> None:
    again = _round_trip(error)
    assert type(again) is cls
    assert (again.code, again.message) == (error.code, error.message)  # type: ignore[attr-defined]


def test_a_crash_reads_as_the_original_exception() -> None:
    again = _round_trip(ZeroDivisionError("division by zero"))
    assert isinstance(again, SkillCrashed)
    assert f"{type(again).__name__}: {again}" == "ZeroDivisionError: division by zero"
    assert type(_round_trip(ValueError("a"))) is type(_round_trip(ValueError("b")))


def test_an_unknown_or_damaged_description_is_still_an_error() -> None:
    assert type(decode_error("x", "m", {"kind": "astrology"})) is KirbyGenError
    damaged = decode_error("not_a_failure", "m", {"kind": "llm"})
    assert type(damaged) is KirbyGenError and damaged.code == "not_a_failure"
    assert type(decode_error("c", "m", {"kind": "crash", "type": "not an identifier"})) is (
        SkillCrashed
    )
