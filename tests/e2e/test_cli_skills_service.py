"""`kirbygen generate` with its skills on a real `kirbygen skills-api` process: the same
site, byte for byte, as in-process (the report too, but for its wall-clock figures) — and
the service really did the work, offline and with the Claude skills (the model's usage is
reported as in-process). A service that does not answer, or refuses the token, fails the
run with a message that names it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import EXAMPLE, Kirbygen
from tests.fakes.anthropic_server import VALID_KEY, FakeAnthropic
from tests.fakes.claude_material import example_answers
from tests.fakes.claude_responder import MaterialResponder
from tests.support.servers import free_port
from tests.support.skills_service import FaultyProxy, SkillsService, skills_service

pytestmark = pytest.mark.slow

OFFLINE = {"KIRBYGEN_SKILLS": "offline", "KIRBYGEN_DISABLE_PLUGINS": "1"}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


REPORT = ".kirbygen/report.json"


def _comparable(report: bytes) -> dict[str, Any]:
    """The report without its wall-clock figures (phase durations, model call latency),
    which are never equal twice."""
    data: dict[str, Any] = json.loads(report)
    data["usage"].pop("latency_ms")
    for phase in data.get("phases", ()):
        phase.pop("seconds")
    return data


def _same_sites(local: Path, remote: Path) -> dict[str, bytes]:
    local_tree, remote_tree = _tree(local), _tree(remote)
    assert sorted(remote_tree) == sorted(local_tree)
    different = [n for n in local_tree if n != REPORT and local_tree[n] != remote_tree[n]]
    assert different == []
    assert _comparable(remote_tree[REPORT]) == _comparable(local_tree[REPORT])
    return remote_tree


def _remote(service: SkillsService, url: str | None = None, **env: str) -> dict[str, str]:
    base = (url or service.url).removeprefix("http://")  # the bare host:port Render gives
    return OFFLINE | {"SKILLS_BASE_URL": base, "SKILLS_API_TOKEN": service.token} | env


def test_a_site_made_over_the_skills_service_is_the_same_site(
    kirbygen: Kirbygen, tmp_path: Path
) -> None:
    with skills_service(tmp_path / "skills-api.log") as service:
        local = kirbygen("generate", EXAMPLE, "--out", tmp_path / "local", env=OFFLINE)
        assert local.returncode == 0, local.stderr
        assert service.calls() == {}  # the in-process run never asked the service

        remote = kirbygen("generate", EXAMPLE, "--out", tmp_path / "remote", env=_remote(service))
        assert remote.returncode == 0, remote.stderr
        calls = service.calls()

    remote_tree = _same_sites(tmp_path / "local", tmp_path / "remote")
    for kind in ("content/", "site/blueprints/", "site/templates/", REPORT):
        assert any(name.startswith(kind) for name in remote_tree), kind
    # Every skill the pipeline needs ran on the service.
    for slot in ("mapping", "structuring", "design", "parser.markdown", "parser.image"):
        assert calls.get(slot, 0) >= 1, calls
    documents = len([p for p in EXAMPLE.rglob("*") if p.is_file()])
    assert calls["parsers.accepts"] == documents  # one question per file
    log = service.log.read_text()
    assert "POST /skills/mapping 200" in log
    assert "POST /skills/design 200" in log


def test_a_skills_service_that_does_not_answer_fails_the_run_naming_it(
    kirbygen: Kirbygen, tmp_path: Path
) -> None:
    with (
        skills_service(tmp_path / "skills-api.log") as service,
        FaultyProxy(service.url) as proxy,
    ):
        proxy.stall("/skills/mapping")
        env = _remote(service, proxy.url, KIRBYGEN_SKILLS_TIMEOUT_SECONDS="2")
        failed = kirbygen("generate", EXAMPLE, "--out", tmp_path / "site", env=env)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "mapping" in failed.stderr
    assert f"the skills service at {proxy.url} did not answer" in failed.stderr
    assert "KIRBYGEN_SKILLS_TIMEOUT_SECONDS=2" in failed.stderr


def test_a_wrong_token_fails_the_run_saying_so(kirbygen: Kirbygen, tmp_path: Path) -> None:
    with skills_service(tmp_path / "skills-api.log") as service:
        env = _remote(service, SKILLS_API_TOKEN="not-the-token")
        failed = kirbygen("generate", EXAMPLE, "--out", tmp_path / "site", env=env)
        assert service.calls() == {}
    assert failed.returncode == 1
    assert "refused SKILLS_API_TOKEN (401)" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_the_skills_service_will_not_start_without_a_token(kirbygen: Kirbygen) -> None:
    refused = kirbygen("skills-api", "--port", "1", env={"SKILLS_API_TOKEN": ""})
    assert refused.returncode == 2
    assert "SKILLS_API_TOKEN is required" in refused.stderr


def test_an_unreachable_skills_service_fails_the_run_naming_it(
    kirbygen: Kirbygen, tmp_path: Path
) -> None:
    dead = f"127.0.0.1:{free_port()}"  # nothing listens there
    env = OFFLINE | {
        "SKILLS_BASE_URL": dead,
        "SKILLS_API_TOKEN": "t" * 32,
        "KIRBYGEN_SKILLS_RETRIES": "1",
        "KIRBYGEN_SKILLS_BACKOFF_MS": "10",
    }
    failed = kirbygen("generate", EXAMPLE, "--out", tmp_path / "site", "--json", env=env)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert f"the skills service at http://{dead} is not reachable" in failed.stderr
    assert "after 2 attempt(s) (KIRBYGEN_SKILLS_RETRIES=1)" in failed.stderr


def test_claude_skills_on_the_service_make_the_same_site_and_report_their_usage(
    kirbygen: Kirbygen, tmp_path: Path
) -> None:
    schema, content = example_answers()
    # A fresh model server per run: its prompt cache would otherwise serve the second run.
    fakes = [FakeAnthropic(responder=MaterialResponder(schema, content)) for _ in range(2)]

    def model(base_url: str) -> dict[str, str]:
        return {
            "ANTHROPIC_API_KEY": VALID_KEY,
            "ANTHROPIC_BASE_URL": base_url,
            "KIRBYGEN_CLAUDE_BACKOFF_MS": "1",
            "KIRBYGEN_SKILLS": "claude",
        }

    with fakes[0].serve() as anthropic:
        env = OFFLINE | model(anthropic)
        local = kirbygen("generate", EXAMPLE, "--out", tmp_path / "local", env=env)
        assert local.returncode == 0, local.stderr
    with (
        fakes[1].serve() as anthropic,
        skills_service(tmp_path / "skills-api.log", model(anthropic)) as service,
    ):
        # The client holds no model key: the service calls the model.
        env = _remote(service, KIRBYGEN_SKILLS="claude")
        remote = kirbygen("generate", EXAMPLE, "--out", tmp_path / "remote", env=env)
        assert remote.returncode == 0, remote.stderr
        calls = service.calls()

    remote_tree = _same_sites(tmp_path / "local", tmp_path / "remote")
    usage = json.loads(remote_tree[REPORT])["usage"]
    assert usage["calls"] == 3 and usage["cost_usd"] > 0  # the service's model use, reported
    for fake in fakes:
        assert [r.tool for r in fake.received] == [
            "propose_schema",
            "extract_items",
            "choose_colours",
        ]
    assert calls["mapping"] == calls["structuring"] == calls["design"] == 1
