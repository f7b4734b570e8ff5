"""Clock, ids, git, deployer, language model and cancel token: the real local adapters and the
fakes, typed against the ports so a signature drift fails the type check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.local.clock import SystemClock, UuidGenerator
from domain.llm import LlmMessage, LlmResult, LlmTool
from domain.ports import (
    CancelToken,
    Clock,
    Deployer,
    Git,
    IdGenerator,
    LanguageModel,
)
from domain.project import Project, ProjectStatus, TokenUsage
from domain.site import SiteFile
from tests.fakes import (
    FakeCancelToken,
    FakeDeployer,
    FakeGit,
    FakeLanguageModel,
    FakeSiteOutput,
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


def test_fake_git_commits_only_changes(tmp_path: Path) -> None:
    git: Git = FakeGit()
    assert git.commit(tmp_path, "empty") is None
    (tmp_path / "a.txt").write_text("1")
    first = git.commit(tmp_path, "first")
    assert first is not None
    assert git.commit(tmp_path, "again") is None
    (tmp_path / "a.txt").write_text("2")
    second = git.commit(tmp_path, "second")
    assert second not in (None, first)


def test_fake_git_can_follow_an_in_memory_site(tmp_path: Path) -> None:
    output = FakeSiteOutput()
    git = FakeGit(snapshot=output.files)
    output.write(tmp_path, [SiteFile("index.php", b"<?php")])
    assert git.commit(tmp_path, "site") is not None
    head = git.head(tmp_path)
    assert head is not None
    assert head.files == {"index.php": b"<?php"}


def test_fake_deployer_records_and_can_fail(tmp_path: Path) -> None:
    fake = FakeDeployer(FixedClock(T0))
    deployer: Deployer = fake
    project = Project("p1", "P", "u1", ProjectStatus.GENERATED, T0, T0)
    deployment = deployer.deploy(project, tmp_path, "abc")
    assert (deployment.project_id, deployment.commit, deployment.created) == ("p1", "abc", T0)
    fake.fail_with = RuntimeError("render is down")
    with pytest.raises(RuntimeError):
        deployer.deploy(project, tmp_path, None)
    assert len(fake.calls) == 2
    assert fake.deployments == [deployment]


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
