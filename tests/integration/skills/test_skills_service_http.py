"""`kirbygen skills-api` over real loopback HTTP: who may call it, what it refuses, and how
its client retries (connection refused, 502/503/504) and gives up (timeouts, 4xx)."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import httpx2
import pytest

from adapters.skills_http.client import SkillsClient, SkillsUnavailable
from adapters.skills_http.probe import SkillsServiceProbe
from adapters.skills_http.registry import HttpSkillRegistry
from config.container import build_container
from config.settings import load_settings
from domain.errors import KirbyGenError
from domain.refusals import LimitExceeded
from plugins.manager import PluginSkillRegistry
from tests.support.servers import free_port
from tests.support.skills_service import FaultyProxy, SkillsService

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "material"


def test_health_needs_no_token_and_names_each_winner(service: SkillsService) -> None:
    health = service.health()
    assert health["status"] == "ok"
    winners = {s["slot"]: (s["winner"], s["plugin"]) for s in health["skills"]}
    assert winners["mapping"] == ("offline-mapping", "plugins.offline.mapping")
    assert winners["parser.markdown"][0] == "markdown"
    assert isinstance(health["calls"], dict)


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic abc", "Bearer"])
@pytest.mark.parametrize(("method", "path"), [("GET", "/skills"), ("POST", "/skills/mapping")])
def test_every_other_route_refuses_a_missing_or_wrong_token(
    service: SkillsService, header: str | None, method: str, path: str
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = httpx2.request(method, service.url + path, headers=headers, json={}, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.headers["x-request-id"]
    assert answer.json()["error"]["code"] == "unauthenticated"


def _post(service: SkillsService, path: str, body: bytes) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {service.token}", "Content-Type": "application/json"}
    return httpx2.post(service.url + path, content=body, headers=headers, timeout=10)


def test_bad_bodies_are_refused_with_a_named_reason(service: SkillsService) -> None:
    deep = b"[" * 200 + b"]" * 200
    assert _post(service, "/skills/mapping", deep).json()["error"]["code"] == "json_too_deep"
    wrong = _post(service, "/skills/mapping", b'{"documents": 3}')
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_request"
    unknown = _post(service, "/skills/astrology", b"{}")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "skill_not_found"


def test_a_body_over_the_limit_is_refused_before_it_is_read(service: SkillsService) -> None:
    host, port = service.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("POST", "/skills/design")
        connection.putheader("Authorization", f"Bearer {service.token}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(300 * 1024 * 1024))
        connection.endheaders()
        answer = connection.getresponse()
        error = json.loads(answer.read())["error"]
    finally:
        connection.close()
    assert answer.status == 413
    assert "KIRBYGEN_SKILLS_MAX_REQUEST_BYTES" in error["message"]


def test_the_client_refuses_to_send_a_call_over_its_limit(service: SkillsService) -> None:
    with FaultyProxy(service.url) as proxy:
        client = SkillsClient(service.settings(base_url=proxy.url, max_request_bytes=100))
        try:
            with pytest.raises(LimitExceeded) as refused:
                client.post("/skills/mapping", {"name": "x" * 200})
        finally:
            client.close()
    assert refused.value.limit == "KIRBYGEN_SKILLS_MAX_REQUEST_BYTES"
    assert proxy.seen == []


def test_a_connection_refused_is_retried_until_the_service_is_up(
    service: SkillsService,
) -> None:
    port = free_port()  # nothing listens here yet
    proxies: list[FaultyProxy] = []
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:  # the service comes up during the second wait
            proxies.append(FaultyProxy(service.url, port=port))

    client = SkillsClient(
        service.settings(base_url=f"http://127.0.0.1:{port}", retries=4, backoff_ms=100),
        sleep=sleep,
    )
    try:
        described = client.get("/skills")
    finally:
        client.close()
        for proxy in proxies:
            proxy.close()
    assert waits == [0.1, 0.2]  # two refusals, backing off
    assert [slot["slot"] for slot in described["result"]["slots"]][:1] == ["mapping"]
    assert proxies[0].seen == [("GET", "/skills", 200)]


def test_502_503_504_are_retried_and_then_the_call_goes_through(service: SkillsService) -> None:
    with FaultyProxy(service.url) as proxy:
        proxy.fail_next(1, 502)
        proxy.fail_next(1, 503)
        proxy.fail_next(1, 504)
        client = SkillsClient(service.settings(base_url=proxy.url, retries=3), sleep=lambda s: None)
        try:
            client.get("/skills")
        finally:
            client.close()
    assert [status for _, _, status in proxy.seen] == [502, 503, 504, 200]


def test_retries_end_with_a_failure_that_names_the_service_and_the_setting(
    service: SkillsService,
) -> None:
    with FaultyProxy(service.url) as proxy:
        proxy.fail_next(10, 503)
        client = SkillsClient(service.settings(base_url=proxy.url, retries=2), sleep=lambda s: None)
        try:
            with pytest.raises(SkillsUnavailable) as failed:
                client.get("/skills")
        finally:
            client.close()
    assert len(proxy.seen) == 3
    assert proxy.url in failed.value.message
    assert "answered 503 after 3 attempt(s) (KIRBYGEN_SKILLS_RETRIES=2)" in failed.value.message


def test_a_4xx_is_never_retried(service: SkillsService) -> None:
    with FaultyProxy(service.url) as proxy:
        wrong = SkillsClient(
            service.settings(base_url=proxy.url, token="wrong", retries=5), sleep=lambda s: None
        )
        right = SkillsClient(service.settings(base_url=proxy.url, retries=5), sleep=lambda s: None)
        try:
            with pytest.raises(SkillsUnavailable) as refused:
                wrong.get("/skills")
            with pytest.raises(KirbyGenError) as bad:
                right.post("/skills/mapping", {"documents": 3})
        finally:
            wrong.close()
            right.close()
    assert refused.value.code == "skills_unauthorized"
    assert "refused SKILLS_API_TOKEN (401)" in refused.value.message
    assert bad.value.code == "invalid_request"
    assert proxy.seen == [("GET", "/skills", 401), ("POST", "/skills/mapping", 400)]


def test_a_call_without_an_answer_times_out_naming_the_service(service: SkillsService) -> None:
    with FaultyProxy(service.url) as proxy:
        proxy.stall("/skills/mapping")
        client = SkillsClient(service.settings(base_url=proxy.url, timeout_seconds=1, retries=3))
        try:
            with pytest.raises(SkillsUnavailable) as failed:
                client.post("/skills/mapping", {})
        finally:
            client.close()
    message = failed.value.message
    assert f"the skills service at {proxy.url} did not answer POST /skills/mapping" in message
    assert "KIRBYGEN_SKILLS_TIMEOUT_SECONDS=1" in message
    assert len(proxy.seen) <= 1  # not retried: the skill may have been working


def test_the_readiness_probe_asks_health(service: SkillsService) -> None:
    client = SkillsClient(service.settings())
    dead = SkillsClient(service.settings(base_url=f"http://127.0.0.1:{free_port()}"))
    try:
        SkillsServiceProbe(client).check()
        with pytest.raises(SkillsUnavailable, match="is not reachable"):
            SkillsServiceProbe(dead).check()
    finally:
        client.close()
        dead.close()


def test_the_container_sends_skills_over_http_only_when_a_base_url_is_set(
    service: SkillsService, tmp_path: Path
) -> None:
    local = {"KIRBYGEN_DATA_DIR": str(tmp_path), "KIRBYGEN_SKILLS": "offline"}
    remote = local | {
        "SKILLS_BASE_URL": service.url.removeprefix("http://"),  # Render's bare hostport
        "SKILLS_API_TOKEN": service.token,
    }
    in_process = build_container(load_settings(local))
    over_http = build_container(load_settings(remote))
    try:
        assert isinstance(in_process.skills(), PluginSkillRegistry)
        assert "skills" not in in_process.readiness().names
        registry = over_http.skills()
        assert isinstance(registry, HttpSkillRegistry)
        assert over_http.readiness().names[-1] == "skills"
        before = service.calls().get("mapping", 0)
        assert registry.mapper().name == "offline-mapping"
        assert [r.slot for r in registry.describe()] == [
            r.slot for r in in_process.skills().describe()
        ]
    finally:
        in_process.shutdown_resources()
        over_http.shutdown_resources()
    assert service.calls().get("mapping", 0) == before  # describing calls no skill
