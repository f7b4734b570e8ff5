"""Clock, ids, language model and cancel token: the real local adapters and the
fakes, typed against the ports so a signature drift fails the type check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.local.clock import SystemClock, UuidGenerator
from domain.llm import LlmMessage, LlmResult, LlmTool
from domain.ports import (
    CancelToken,
    Clock,
    IdGenerator,
    LanguageModel,
)
from domain.project import TokenUsage
from tests.fakes import (
    FakeCancelToken,
    FakeLanguageModel,
    FixedClock,
    SequentialIds,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("clock", [SystemClock(), FixedClock()])
def test_clocks_give_aware_utc_times(clock: Clock) -> None:
    now = clock.now()
    assert now.utcoffset() == timedelta(0)


def test_the_fixed_clock_moves_only_forward_when_told() -> None:
    clock = FixedClock(T0)
    assert clock.now() == clock.now() == T0
    assert clock.advance(seconds=90) == T0 + timedelta(seconds=90)
    clock.set(T0)
    assert clock.now() == T0
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        FixedClock(datetime(2025, 1, 1))


@pytest.mark.parametrize("ids", [UuidGenerator(), SequentialIds()])
def test_ids_are_unique_and_storage_key_safe(ids: IdGenerator) -> None:
    made = [ids.new_id() for _ in range(100)]
    assert len(set(made)) == 100
    assert all(len(i) <= 64 and i.replace("-", "").isalnum() for i in made)


def test_sequential_ids_sort_in_creation_order() -> None:
    ids = SequentialIds("run")
    made = [ids.new_id() for _ in range(12)]
    assert made == sorted(made)
    assert made[0] == "run-000001"


def test_fake_language_model_answers_from_its_queue() -> None:
    fake = FakeLanguageModel({"pages": []}, ValueError("overloaded"))
    model: LanguageModel = fake
    messages = [LlmMessage(role="user", text="hi")]
    tool = LlmTool("answer", "The answer.", {"type": "object"})
    result = model.structured("map this", messages, tool)
    usage = TokenUsage(input_tokens=10, output_tokens=20, calls=1)
    assert result == LlmResult(data={"pages": []}, usage=usage)
    with pytest.raises(ValueError):
        model.structured("again", messages, tool)
    with pytest.raises(AssertionError, match="no queued result"):
        model.structured("once more", messages, tool)
    assert [call.system for call in fake.calls] == ["map this", "again", "once more"]


def test_fake_cancel_token() -> None:
    token: CancelToken = FakeCancelToken(cancel_after=2)
    assert [token.cancelled() for _ in range(4)] == [False, False, True, True]
    manual = FakeCancelToken()
    assert not manual.cancelled()
    manual.cancel()
    assert manual.cancelled()
