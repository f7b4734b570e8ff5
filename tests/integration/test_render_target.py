"""The Render target against a fake of Render's API on loopback, pushing to a bare repository
on disk: create → live → redeploy → rollback, and the API's errors as clear failures."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from adapters.git.cli import GitCli
from adapters.render.deployer import RenderDeployer
from application.deployments import PublishSite
from application.versions import STATIC_DIR
from config.deploy_settings import RenderSettings
from domain.ports import GitIdentity, GitRemote, SiteBundle
from domain.project import Deployment
from tests.fakes import FakeDeploymentRepository, FixedClock
from tests.fakes.render_server import FakeRender
from tests.support.git_tool import require_git

T0 = datetime(2026, 11, 27, 12, tzinfo=UTC)
ME = GitIdentity("Kirby-Gen", "kirbygen@localhost")


@attrs.define
class World:
    fake: FakeRender
    settings: RenderSettings
    repo: Path
    tree: Path
    remote: GitRemote
    records: FakeDeploymentRepository
    sleeps: list[float]
    git: GitCli = attrs.field(factory=GitCli)

    def publish(self, settings: RenderSettings | None = None) -> PublishSite:
        deployer = RenderDeployer(settings or self.settings, self.git, sleep=self.sleeps.append)
        return PublishSite(
            deployers={"render": deployer}, records=self.records, clock=FixedClock(T0)
        )

    def commit(self, title: str) -> str:
        public = self.tree / STATIC_DIR
        public.mkdir(parents=True, exist_ok=True)
        (public / "index.html").write_text(f"<title>{title}</title>")
        commit = self.git.commit(self.repo, self.tree, f"{title}\n\nRun-Id: {title}\n", ME)
        assert commit is not None
        return commit

    def deployment(self, n: int, commit: str | None, rollback_of: str | None = None) -> Deployment:
        found = Deployment(f"d{n}", "p1", "render", "", "queued", T0, commit=commit,
                           rollback_of=rollback_of)  # fmt: skip
        self.records.add_deployment(found)
        return found

    def bundle(self, commit: str) -> SiteBundle:
        return SiteBundle("mara-lindqvist", "Mara", self.tree, self.tree / STATIC_DIR, commit,
                          self.repo, self.remote)  # fmt: skip

    def deploy(self, n: int, commit: str, settings: RenderSettings | None = None) -> Deployment:
        return self.publish(settings)(self.deployment(n, commit), self.bundle(commit))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    require_git()
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    fake = FakeRender()
    with fake.serve() as url:
        settings = RenderSettings(
            api_key=fake.api_key, api_url=url, owner_id=fake.owner_id, poll_seconds=0.01
        )
        yield World(fake, settings, tmp_path / "site.git", tmp_path / "site",
                    GitRemote(str(remote)), FakeDeploymentRepository(), [])  # fmt: skip


def _remote_head(world: World) -> str:
    out = subprocess.run(["git", "--git-dir", world.remote.url, "rev-parse", "main"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def test_create_live_redeploy_and_rollback(world: World) -> None:
    first_commit = world.commit("first")
    first = world.deploy(1, first_commit)
    assert first.status == "live", first.error
    assert first.url == "https://mara-lindqvist.onrender.com"
    assert _remote_head(world) == first_commit
    [service] = world.fake.services.values()
    created = world.fake.received("POST", "/v1/services")[0].body
    assert created["type"] == "static_site"
    assert created["repo"] == world.remote.url and created["branch"] == "main"
    assert created["autoDeploy"] == "no" and created["ownerId"] == world.fake.owner_id
    assert created["serviceDetails"]["publishPath"] == STATIC_DIR
    assert created["serviceDetails"]["buildCommand"] == ""
    service_id, first_deploy = (first.provider_ref or "").split("/")
    assert service_id == service["id"]
    events = [e.message for e in world.records.list_deployment_events("d1")]
    assert any("build_in_progress" in m for m in events) and "live at" in events[-1]

    second_commit = world.commit("second")
    second = world.deploy(2, second_commit)
    assert second.status == "live", second.error
    assert len(world.fake.services) == 1  # the same service deploys again
    triggered = world.fake.received("POST", f"/v1/services/{service_id}/deploys")
    assert [r.body for r in triggered] == [
        {"clearCache": "do_not_clear", "commitId": second_commit}
    ]
    assert world.fake.deploys[first_deploy]["status"] == "deactivated"
    assert _remote_head(world) == second_commit

    back = world.publish()(world.deployment(3, first_commit, rollback_of="d1"), None)
    assert back.status == "live", back.error
    rolled = world.fake.received("POST", f"/v1/services/{service_id}/rollback")
    assert [r.body for r in rolled] == [{"deployId": first_deploy}]
    live = world.fake.live_deploy(service_id)
    assert live is not None and live["commit"]["id"] == first_commit
    assert live["trigger"] == "rollback" and back.url == first.url


def test_the_kirby_site_runs_as_a_docker_service_with_a_disk(world: World) -> None:
    kirby = attrs.evolve(world.settings, service="kirby", plan="starter")
    done = world.deploy(1, world.commit("first"), kirby)
    assert done.status == "live", done.error
    body = world.fake.received("POST", "/v1/services")[0].body
    assert body["type"] == "web_service"
    details = body["serviceDetails"]
    assert details["runtime"] == "docker"
    assert details["envSpecificDetails"]["dockerfilePath"] == "./Dockerfile"
    assert details["disk"]["mountPath"].startswith("/") and details["disk"]["sizeGB"] >= 1


def test_a_lost_record_finds_the_service_by_name(world: World) -> None:
    world.deploy(1, world.commit("first"))
    world.records = FakeDeploymentRepository()  # e.g. a site folder copied elsewhere
    again = world.deploy(2, world.commit("second"))
    assert again.status == "live" and len(world.fake.services) == 1


def test_a_wrong_api_key_is_a_clear_failure(world: World) -> None:
    wrong = attrs.evolve(world.settings, api_key="rnd_wrong")
    failed = world.deploy(1, world.commit("first"), wrong)
    assert failed.status == "failed"
    assert "401" in (failed.error or "") and "RENDER_API_KEY" in (failed.error or "")
    assert "rnd_wrong" not in (failed.error or "")


def test_an_unknown_owner_is_a_clear_404(world: World) -> None:
    other = attrs.evolve(world.settings, owner_id="tea-nobody")
    failed = world.deploy(1, world.commit("first"), other)
    assert failed.status == "failed"
    assert "404" in (failed.error or "") and "tea-nobody" in (failed.error or "")


def test_rate_limits_are_waited_out_then_reported(world: World) -> None:
    world.fake.fail("GET", "/v1/services", 429, retry_after=2)
    done = world.deploy(1, world.commit("first"))
    assert done.status == "live", done.error
    assert 2.0 in world.sleeps  # Retry-After was honoured

    world.fake.fail("POST", "/v1/services/", 429, retry_after=7, times=10)
    failed = world.deploy(2, world.commit("second"))
    assert failed.status == "failed"
    assert "429" in (failed.error or "") and "try again in 7 s" in (failed.error or "")


def test_server_errors_are_retried_only_where_safe(world: World) -> None:
    first = world.deploy(1, world.commit("first"))
    service_id = (first.provider_ref or "").split("/")[0]

    # A read that meets a 502 is repeated.
    world.fake.fail("GET", f"/v1/services/{service_id}/deploys/", 502)
    second = world.deploy(2, world.commit("second"))
    assert second.status == "live", second.error

    # Triggering a deploy is not: Render may have acted on it.
    before = len(world.fake.received("POST", f"/v1/services/{service_id}/deploys"))
    world.fake.fail("POST", f"/v1/services/{service_id}/deploys", 503)
    failed = world.deploy(3, world.commit("third"))
    assert failed.status == "failed" and "503" in (failed.error or "")
    assert len(world.fake.received("POST", f"/v1/services/{service_id}/deploys")) == before + 1


def test_a_failed_build_and_a_missing_remote_are_reported(world: World) -> None:
    world.fake.fail_builds = True
    failed = world.deploy(1, world.commit("first"))
    assert failed.status == "failed" and "build_failed" in (failed.error or "")

    commit = world.commit("second")
    no_remote = attrs.evolve(world.bundle(commit), remote=None)
    failed = world.publish()(world.deployment(2, commit), no_remote)
    assert failed.status == "failed" and "GIT_REMOTE_URL" in (failed.error or "")
