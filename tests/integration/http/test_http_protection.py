"""Secrets, rate limits, CORS, headers, logs, and `kirbygen serve` itself."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from config.secrets import resolve_secrets
from config.settings import AppEnv, Settings, load_settings
from domain.errors import InvalidInput
from entrypoints.logging_setup import JsonFormatter
from tests.http_support import ROOT_DIR, api, evolve_http, make_settings


def test_production_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    settings = Settings(app_env=AppEnv.PRODUCTION, data_dir=tmp_path)
    with pytest.raises(InvalidInput) as refused:
        resolve_secrets(settings)
    assert refused.value.message == (
        "missing required secrets for APP_ENV=production: JWT_SECRET, SESSION_SECRET"
    )
    assert not (tmp_path / "secrets.json").exists()


def test_local_secrets_are_generated_once_and_kept(tmp_path: Path) -> None:
    first = resolve_secrets(Settings(data_dir=tmp_path))
    again = resolve_secrets(Settings(data_dir=tmp_path))
    assert first == again and len(first.jwt_secret) > 40
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_cors_never_allows_every_origin() -> None:
    with pytest.raises(InvalidInput, match="CORS_ORIGINS"):
        load_settings({"CORS_ORIGINS": "*"})
    settings = load_settings({"CORS_ORIGINS": "https://ui.example.com/, https://b.example"})
    assert settings.http.cors_origins == ("https://ui.example.com", "https://b.example")


def test_login_is_rate_limited_with_retry_after(tmp_path: Path) -> None:
    settings = evolve_http(make_settings(tmp_path), rate_limit_login_max_requests=3)
    with api(settings) as client:
        answers = [
            client.post("/api/auth/login", json={"email": "x@example.com", "password": "wrong-one"})
            for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        assert int(answers[-1].headers["retry-after"]) >= 1
        assert answers[-1].json()["error"]["details"]["limit"] == "RATE_LIMIT_LOGIN_MAX_REQUESTS"
        assert client.get("/api/health").status_code == 200  # probes are never limited


def test_every_response_has_a_request_id_and_security_headers(tmp_path: Path) -> None:
    settings = evolve_http(make_settings(tmp_path), cors_origins=("https://ui.example.com",))
    with api(settings) as client:
        given = client.get("/api/health", headers={"X-Request-ID": "abc-123"})
        assert given.headers["x-request-id"] == "abc-123"
        missing = client.get("/api/nothing-here")
        assert missing.status_code == 404 and len(missing.headers["x-request-id"]) == 32
        assert missing.json()["error"]["code"] == "not_found"
        assert "frame-ancestors 'none'" in missing.headers["content-security-policy"]
        assert missing.headers["x-content-type-options"] == "nosniff"
        assert missing.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in missing.headers  # production only
        preflight = client.options(
            "/api/projects",
            headers={"Origin": "https://ui.example.com", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers["access-control-allow-origin"] == "https://ui.example.com"
        assert preflight.headers["access-control-allow-credentials"] == "true"
        other = client.get("/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_json_log_lines_carry_the_request_fields() -> None:
    record = logging.makeLogRecord(
        {"msg": "GET /api/health 200", "levelname": "INFO", "name": "kirbygen.http"}
    )
    record.request_id = "r1"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /api/health 200" and line["request_id"] == "r1"


def test_kirbygen_serve_answers_health_and_ready(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIRBYGEN_", "APP_ENV"))}
    env |= {"KIRBYGEN_DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "entrypoints.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx2.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "kirbygen serve did not start"
                assert server.poll() is None, "kirbygen serve exited"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        ready = httpx2.get(f"http://127.0.0.1:{port}/api/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        assert (tmp_path / "data" / "kirbygen.db").is_file()
        assert (tmp_path / "data" / "secrets.json").is_file()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=15)
    access = [json.loads(line) for line in stderr.splitlines() if '"path"' in line]
    assert any(entry["path"] == "/api/ready" and entry["status"] == 200 for entry in access)
    # Each line is one JSON object naming its request by the id its response carried.
    ready_line = next(entry for entry in access if entry["path"] == "/api/ready")
    assert ready_line["request_id"] == ready.headers["x-request-id"]
    assert {"timestamp", "level", "logger", "message"} <= set(ready_line)
