"""What a skill records and raises on the skills service reaches its caller as in-process:
model usage and notes join the caller's ledger; a crash, a model failure and a deferral are
raised again as the same errors. The service runs here in a thread (real loopback HTTP)
with a plugin of this test's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from adapters.skills_http.client import SkillsClient
from adapters.skills_http.registry import HttpSkillRegistry
from config.backends import Backends, SkillsServiceSettings
from config.settings import Settings
from domain.conversation import ConversationReply
from domain.documents import Document
from domain.errors import RunDeferred
from domain.llm import LlmError, LlmFailure
from domain.model_use import record_note, record_usage, recording
from domain.ports import Skill, SkillRegistry
from domain.project import Conversation, TokenUsage, Turn
from domain.schema import ContentSchema
from entrypoints.skills.app import create_skills_app
from plugins.hookspecs import hookimpl
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from plugins.offline.mapping import OfflineDomainMapper
from tests.support.loopback import serve_on_loopback

TOKEN = "test-token-" + "x" * 24
USAGE = TokenUsage(input_tokens=120, output_tokens=30, calls=1, latency_ms=40, cost_usd=0.0012)


class TroubledMapper:
    """Maps like the offline mapper, recording model use; the site's name picks a failure."""

    slot = "mapping"
    name = "troubled-mapper"
    version = "7"

    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        record_usage(USAGE)
        record_note("mapping: a value was left out")
        failures: dict[str, Callable[[], BaseException]] = {
            "crash": lambda: ZeroDivisionError("division by zero"),
            "llm": lambda: LlmError("overloaded", failure=LlmFailure.UNAVAILABLE, retries=3),
            "defer": lambda: RunDeferred("the model asks to wait", delay_seconds=90),
        }
        if name in failures:
            raise failures[name]()
        return OfflineDomainMapper().map(documents, conversation, name)


class EchoConversation:
    slot = "conversation"
    name = "echo"

    def reply(
        self,
        documents: Sequence[Document],
        conversation: Conversation,
        schema: ContentSchema,
        message: str,
    ) -> ConversationReply:
        return ConversationReply(text=f"you said {message}", schema=schema, tokens=3)


class TroublePlugin:
    @hookimpl
    def kirbygen_skills(self) -> list[Skill]:
        return [TroubledMapper(), EchoConversation()]


def _local() -> PluginSkillRegistry:
    pm = build_plugin_manager(load_entry_points=False)
    pm.register(TroublePlugin(), name="trouble")
    return PluginSkillRegistry(pm)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    settings = Settings(backends=Backends(skills=SkillsServiceSettings(token=TOKEN)))
    app = create_skills_app(_local(), settings)
    with serve_on_loopback(app, "the skills service") as url:
        yield url


@pytest.fixture
def remote(base_url: str) -> Iterator[HttpSkillRegistry]:
    client = SkillsClient(SkillsServiceSettings(base_url=base_url, token=TOKEN))
    try:
        yield HttpSkillRegistry(client)
    finally:
        client.close()


def _documents() -> tuple[Document, ...]:
    return (Document(source="about.md", media_type="text/markdown", title="About"),)


def _mapped(registry: SkillRegistry, name: str) -> tuple[object, TokenUsage, tuple[str, ...]]:
    with recording() as ledger:
        try:
            outcome: object = registry.mapper().map(_documents(), None, name)
        except Exception as exc:
            outcome = exc
    return outcome, ledger.usage, ledger.notes


def test_usage_and_notes_join_the_callers_ledger(remote: HttpSkillRegistry) -> None:
    schema, usage, notes = _mapped(remote, "Studio")
    assert (schema, usage, notes) == _mapped(_local(), "Studio")
    assert usage == USAGE
    assert notes == ("mapping: a value was left out",)
    assert remote.mapper().version == "7"  # part of the run's fingerprint


def test_a_crash_reads_as_it_does_in_process(remote: HttpSkillRegistry) -> None:
    error, usage, _ = _mapped(remote, "crash")
    local_error, local_usage, _ = _mapped(_local(), "crash")
    assert isinstance(error, Exception)
    assert f"{type(error).__name__}: {error}" == f"{type(local_error).__name__}: {local_error}"
    assert usage == local_usage  # what a failed call cost is still counted


def test_a_model_failure_and_a_deferral_are_raised_again(remote: HttpSkillRegistry) -> None:
    failed, usage, _ = _mapped(remote, "llm")
    assert isinstance(failed, LlmError)
    assert (failed.failure, failed.retries, failed.message) == (
        LlmFailure.UNAVAILABLE,
        3,
        "overloaded",
    )
    assert usage == USAGE
    deferred, _, _ = _mapped(remote, "defer")
    assert isinstance(deferred, RunDeferred)
    assert deferred.delay_seconds == 90


def test_the_conversation_skill_is_offered_over_http(remote: HttpSkillRegistry) -> None:
    skill = remote.conversation()
    assert skill is not None and skill.name == "echo"
    schema = ContentSchema(name="Studio")
    talk = Conversation("p1", turns=(Turn("user", "hi", tokens=2),))
    reply = skill.reply(_documents(), talk, schema, "hello")
    assert reply == ConversationReply(text="you said hello", schema=schema, tokens=3)
