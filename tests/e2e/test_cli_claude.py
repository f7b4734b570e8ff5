"""`kirbygen generate --skills claude` against the fake Anthropic server: the site, the
usage in the summary and report.json, and one clear line when the model cannot be used."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import EXAMPLE, Kirbygen
from tests.fakes.anthropic_server import VALID_KEY, ErrorTurn, FakeAnthropic
from tests.fakes.claude_material import example_answers
from tests.fakes.claude_responder import MaterialResponder

pytestmark = pytest.mark.slow
OVERLOADED = ErrorTurn(529, "overloaded_error", "Overloaded")
USAGE_KEYS = {
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "calls",
    "cost_usd",
}


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    schema, content = example_answers()
    server = FakeAnthropic(responder=MaterialResponder(schema, content))
    with server.serve():
        yield server


def model_env(fake: FakeAnthropic, key: str = VALID_KEY) -> dict[str, str]:
    return {
        "ANTHROPIC_API_KEY": key,
        "ANTHROPIC_BASE_URL": fake.base_url,
        "KIRBYGEN_CLAUDE_BACKOFF_MS": "1",
        "KIRBYGEN_DISABLE_PLUGINS": "1",
    }


def test_generate_with_claude_makes_a_checked_site_and_reports_its_usage(
    kirbygen: Kirbygen, fake: FakeAnthropic, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    fake.script(OVERLOADED, OVERLOADED, OVERLOADED)
    result = kirbygen("generate", EXAMPLE, "--out", out, "--skills", "claude", env=model_env(fake))
    assert result.returncode == 0, result.stderr
    assert [r.tool for r in fake.received] == [
        "propose_schema", "propose_schema", "propose_schema", "propose_schema",
        "extract_items", "choose_colours",
    ]  # fmt: skip
    report = json.loads((out / ".kirbygen" / "report.json").read_text())
    usage = report["usage"]
    assert set(usage) >= USAGE_KEYS
    assert usage["calls"] == 3 and usage["retries"] == 3 and usage["cost_usd"] > 0
    # The system prompt and toolbox are written to the cache once, then read.
    assert usage["cache_creation_input_tokens"] > 0
    assert usage["cache_read_input_tokens"] == 2 * usage["cache_creation_input_tokens"]
    assert "model    : 3 calls" in result.stdout and "3 retries" in result.stdout
    assert "HTTP Request" not in result.stderr
    check = kirbygen("check", out)
    assert check.returncode == 0, check.stdout

    # Nothing changed: every model phase is reused, no call is made, nothing is spent.
    again = kirbygen("generate", EXAMPLE, "--out", out, "--skills", "claude", env=model_env(fake))
    assert again.returncode == 0, again.stderr
    assert len(fake.received) == 6
    assert json.loads((out / ".kirbygen" / "report.json").read_text())["usage"]["calls"] == 0


@pytest.mark.parametrize(
    ("turn", "words"),
    [
        (ErrorTurn(401, "authentication_error", "invalid x-api-key"), "bad API key"),
        (ErrorTurn(429, "rate_limit_error", "You have exceeded your spend limit."), "spend limit"),
        (ErrorTurn(429, "rate_limit_error", "Slow down", retry_after="120"), "wait 120 s"),
    ],
)
def test_a_model_that_cannot_be_used_fails_in_one_line(
    kirbygen: Kirbygen, fake: FakeAnthropic, tmp_path: Path, turn: ErrorTurn, words: str
) -> None:
    fake.script(turn)
    result = kirbygen(
        "generate", EXAMPLE, "--out", tmp_path / "site", "--skills", "claude", env=model_env(fake)
    )
    assert result.returncode == 1
    assert len(fake.received) == 1  # never retried
    lines = [line for line in result.stderr.splitlines() if line.startswith("kirbygen:")]
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_wrong_key_is_named_as_such(
    kirbygen: Kirbygen, fake: FakeAnthropic, tmp_path: Path
) -> None:
    result = kirbygen("generate", EXAMPLE, "--out", tmp_path / "site", "--skills", "claude",
                      env=model_env(fake, key="sk-ant-wrong"))  # fmt: skip
    assert result.returncode == 1 and "bad API key" in result.stderr
    assert "Traceback" not in result.stderr


def test_skills_claude_without_a_key_is_a_usage_error(kirbygen: Kirbygen, tmp_path: Path) -> None:
    result = kirbygen("generate", EXAMPLE, "--out", tmp_path / "site", "--skills", "claude")
    assert result.returncode == 2
    assert "needs an API key" in result.stderr and "Traceback" not in result.stderr


def test_plugins_names_the_family_serving_each_skill(
    kirbygen: Kirbygen, fake: FakeAnthropic
) -> None:
    result = kirbygen("plugins", "--json", env=model_env(fake))  # auto, with a key: claude
    slots = {s["slot"]: s for s in json.loads(result.stdout)}
    assert slots["mapping"]["winner"] == "claude-mapping"
    assert slots["mapping"]["family"] == "claude (offline fallback)"
    assert slots["conversation"]["family"] == "claude"
    assert slots["parser.text"]["family"] == "offline"
    offline = kirbygen("plugins", env={"KIRBYGEN_SKILLS": "offline", **model_env(fake)})
    assert "offline-mapping  (plugin plugins.offline.mapping) [offline]" in offline.stdout
    assert "claude" not in offline.stdout.replace("skills: offline", "")
    assert fake.received == []  # listing plugins calls no model
