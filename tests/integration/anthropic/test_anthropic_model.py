"""The Anthropic adapter against the fake Messages API on loopback: answers, streaming,
usage and cost, prompt caching, retries, deferral and final errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.anthropic.model import AnthropicLanguageModel
from config.settings import ClaudeSettings, ModelPrice
from domain.errors import RunDeferred
from domain.llm import LlmError, LlmFailure, LlmMessage, LlmTool
from tests.fakes.anthropic_server import VALID_KEY, ErrorTurn, FakeAnthropic, TextTurn, ToolTurn

TOOL = LlmTool(
    "answer",
    "The answer.",
    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
)
ASK = [LlmMessage("user", "hello")]
OVERLOADED = ErrorTurn(529, "overloaded_error", "Overloaded")


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    server = FakeAnthropic()
    with server.serve():
        yield server


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def model_for(fake: FakeAnthropic, sleeps: Sleeps | None = None, **options: object):  # type: ignore[no-untyped-def]
    settings = ClaudeSettings(
        api_key=str(options.pop("api_key", VALID_KEY)),
        base_url=fake.base_url,
        model="claude-sonnet-5-5",
        prices={"claude-sonnet-5-5": ModelPrice(3.0, 15.0, 3.75, 0.3)},
        **options,  # type: ignore[arg-type]
    )
    return AnthropicLanguageModel(settings, sleep=sleeps if sleeps is not None else Sleeps())


def test_a_tool_answer_with_usage_cost_and_the_prompt_cached(fake: FakeAnthropic) -> None:
    fake.script(ToolTurn({"a": 1}), ToolTurn({"a": 2}))
    model = model_for(fake)
    first = model.structured("You answer.", ASK, TOOL)
    second = model.structured("You answer.", ASK, TOOL)
    assert (first.data, second.data) == ({"a": 1}, {"a": 2})
    assert first.usage.calls == 1 and first.usage.retries == 0
    assert first.usage.cache_creation_input_tokens > 0 and first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    u = first.usage
    expected = (
        u.input_tokens * 3 + u.output_tokens * 15 + u.cache_creation_input_tokens * 3.75
    ) / 1e6
    assert u.cost_usd == pytest.approx(expected, abs=1e-6)
    sent = fake.received[0]
    assert sent.headers["authorization"] == f"Bearer {VALID_KEY}"
    assert sent.body["model"] == "claude-sonnet-5-5"
    assert sent.body["tool_choice"] == {"type": "tool", "name": "answer"}
    assert sent.body["system"][0]["cache_control"] == {"type": "ephemeral"}
    model.close()


def test_long_outputs_are_streamed(fake: FakeAnthropic) -> None:
    fake.script(ToolTurn({"a": 12345678901234567890}))
    model = model_for(fake, stream_min_tokens=1000)
    result = model.structured("You answer.", ASK, TOOL, max_tokens=2000)
    assert fake.received[0].body["stream"] is True
    assert result.data == {"a": 12345678901234567890}
    assert result.usage.output_tokens > 1 and result.usage.cache_creation_input_tokens > 0


@pytest.mark.parametrize("stream", [False, True])
def test_a_cut_off_answer_is_closed_and_says_so(fake: FakeAnthropic, stream: bool) -> None:
    fake.script(ToolTurn('{"a": 1, "b": [1, 2, "unfinis', stop_reason="max_tokens"))
    model = model_for(fake, stream_min_tokens=1000)
    result = model.structured("You answer.", ASK, TOOL, max_tokens=2000 if stream else 100)
    assert result.data == {"a": 1, "b": [1, 2]}
    assert "cut off by the output token limit" in result.repairs[0]


def test_an_answer_that_is_not_json_is_a_clear_error(fake: FakeAnthropic) -> None:
    fake.script(ToolTurn("not json at all"), TextTurn("I would rather chat."))
    model = model_for(fake)
    with pytest.raises(LlmError, match="not valid JSON") as caught:
        model.structured("You answer.", ASK, TOOL)
    assert caught.value.failure is LlmFailure.BAD_OUTPUT
    with pytest.raises(LlmError, match="without calling the tool 'answer'"):
        model.structured("You answer.", ASK, TOOL)


def test_overloaded_three_times_then_an_answer(fake: FakeAnthropic) -> None:
    fake.script(OVERLOADED, OVERLOADED, OVERLOADED, ToolTurn({"a": 7}))
    sleeps = Sleeps()
    result = model_for(fake, sleeps, backoff_ms=500).structured("You answer.", ASK, TOOL)
    assert result.data == {"a": 7}
    assert result.usage.retries == 3 and result.usage.calls == 1
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff without retry-after
    assert len(fake.received) == 4


def test_retry_after_is_honoured(fake: FakeAnthropic) -> None:
    fake.script(
        ErrorTurn(429, "rate_limit_error", "slow down", retry_after="7"), ToolTurn({"a": 1})
    )
    sleeps = Sleeps()
    assert model_for(fake, sleeps).structured("s", ASK, TOOL).usage.retries == 1
    assert sleeps == [7.0]


def test_a_long_retry_after_defers_instead_of_waiting(fake: FakeAnthropic) -> None:
    fake.script(ErrorTurn(429, "rate_limit_error", "slow down", retry_after="120"))
    sleeps = Sleeps()
    with pytest.raises(RunDeferred) as caught:
        model_for(fake, sleeps, max_wait_seconds=60).structured("s", ASK, TOOL)
    assert caught.value.delay_seconds == 120
    assert sleeps == [] and len(fake.received) == 1


@pytest.mark.parametrize(
    ("turn", "failure", "words"),
    [
        (
            ErrorTurn(401, "authentication_error", "invalid x-api-key"),
            LlmFailure.AUTH,
            "bad API key",
        ),
        (
            ErrorTurn(
                429,
                "rate_limit_error",
                "You have reached your specified API usage limits (spend limit).",
                retry_after="5",
            ),
            LlmFailure.SPEND_LIMIT,
            "spend limit",
        ),
        (
            ErrorTurn(400, "invalid_request_error", "Your credit balance is too low"),
            LlmFailure.SPEND_LIMIT,
            "spend limit",
        ),
        (
            ErrorTurn(400, "invalid_request_error", "messages: bad"),
            LlmFailure.BAD_REQUEST,
            "refused",
        ),
    ],
)
def test_final_errors_are_not_retried(
    fake: FakeAnthropic, turn: ErrorTurn, failure: LlmFailure, words: str
) -> None:
    fake.script(turn, ToolTurn({"a": 1}))
    sleeps = Sleeps()
    with pytest.raises(LlmError, match=words) as caught:
        model_for(fake, sleeps).structured("s", ASK, TOOL)
    assert caught.value.failure is failure and caught.value.retries == 0
    assert sleeps == [] and len(fake.received) == 1


def test_a_wrong_key_is_refused_by_the_server(fake: FakeAnthropic) -> None:
    with pytest.raises(LlmError, match="bad API key") as caught:
        model_for(fake, api_key="sk-wrong").structured("s", ASK, TOOL)
    assert caught.value.code == "llm_auth"


def test_server_errors_give_up_after_the_retry_limit(fake: FakeAnthropic) -> None:
    fake.script(*[ErrorTurn(500, "api_error", "boom")] * 3)
    sleeps = Sleeps()
    with pytest.raises(LlmError, match="after 2 retries") as caught:
        model_for(fake, sleeps, max_retries=2).structured("s", ASK, TOOL)
    assert caught.value.failure is LlmFailure.UNAVAILABLE and len(sleeps) == 2


def test_a_call_that_outlives_its_timeout_is_retried_then_reported(fake: FakeAnthropic) -> None:
    import time

    def slow(body: dict[str, object]) -> ToolTurn:
        time.sleep(1.5)
        return ToolTurn({"a": 1})

    fake.responder = slow
    with pytest.raises(LlmError, match="timed out") as caught:
        model_for(fake, timeout_seconds=1, max_retries=1).structured("s", ASK, TOOL)
    assert caught.value.failure is LlmFailure.TIMEOUT and len(fake.received) == 2


def test_a_cut_off_extraction_keeps_the_whole_items_and_reports_the_half_one(
    fake: FakeAnthropic,
) -> None:
    from domain.documents import Block, BlockKind, Document, Locator
    from domain.llm import ModelSkillSettings
    from domain.model_use import recording
    from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType
    from plugins.claude.structuring import ClaudeContentStructurer

    doc = Document("p.md", "text/markdown", "P", blocks=(
        Block(BlockKind.HEADING, "Harbour Lamps", Locator(line=1), level=2),
        Block(BlockKind.KEY_VALUE, "2022", Locator(line=2), key="Year"),
        Block(BlockKind.HEADING, "Open Studio Cups", Locator(line=3), level=2),
    ))  # fmt: skip
    year = Field("year", "Year", FieldType.NUMBER)
    project = Entity("project", "Project", "Projects", EntityKind.COLLECTION, fields=(year,))
    schema = ContentSchema("S", (project,))
    cut = (
        '{"items": [{"entity": "project", "title": "Harbour Lamps", "document": "d1", '
        '"fields": {"year": 2022}}, {"entity": "project", "title": "Open Stu'
    )
    fake.script(ToolTurn(cut, stop_reason="max_tokens"))
    model = model_for(fake, stream_min_tokens=1000)
    structurer = ClaudeContentStructurer(model, ModelSkillSettings(max_tokens=2000))
    with recording() as ledger:
        content = structurer.structure([doc], schema)
    assert fake.received[0].body["stream"] is True
    assert [i.title for i in content.items] == ["Harbour Lamps"]
    assert content.items[0].fields == {"year": 2022}
    assert any("cut off by the output token limit" in n for n in ledger.notes)
    assert any("title: a required field is missing" in n for n in ledger.notes)
    assert ledger.usage.calls == 0  # the ledger counts metered calls only (the container's)
