"""`kirbygen generate` with its skills on a real `kirbygen skills-api` process: the same
site, byte for byte, as in-process — and the service really did the work. A service that
does not answer, or refuses the token, fails the run with a message that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import EXAMPLE, Kirbygen
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

    local_tree, remote_tree = _tree(tmp_path / "local"), _tree(tmp_path / "remote")
    assert sorted(remote_tree) == sorted(local_tree)
    for kind in ("content/", "site/blueprints/", "site/templates/", ".kirbygen/report.json"):
        assert any(name.startswith(kind) for name in local_tree), kind
    different = [name for name in local_tree if local_tree[name] != remote_tree[name]]
    assert different == []
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
