"""The API on the production adapters: PostgreSQL, Redis (sessions, rate limits, progress)
and S3 storage (moto's server), with the in-process queue."""

from __future__ import annotations

import hashlib
import io
import threading
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from adapters.s3.storage import S3Options, make_client
from config.backends import SessionBackend, StorageType
from config.settings import Settings, load_settings
from tests.http_support import PASSWORD, api, ready_project, register, wait_for_run
from tests.support.servers import RedisServer

pytestmark = pytest.mark.slow


def cloud_env(
    data_dir: Path, database_url: str, redis_url: str, prefix: str, s3: S3Options
) -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "KIRBYGEN_DATA_DIR": str(data_dir),
        "KIRBYGEN_SKILLS": "offline",
        "KIRBYGEN_DISABLE_PLUGINS": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "QUEUE_URL": "inprocess",
        "JWT_SECRET": "cloud-jwt-secret-" + "x" * 32,
        "SESSION_SECRET": "cloud-session-secret-" + "y" * 32,
        "S3_ENDPOINT": s3.endpoint,
        "S3_BUCKET": s3.bucket,
        "S3_REGION": s3.region,
        "S3_ACCESS_KEY_ID": s3.access_key_id,
        "S3_SECRET_ACCESS_KEY": s3.secret_access_key,
        "S3_FORCE_PATH_STYLE": "true",
        "RATE_LIMIT_MAX_REQUESTS": "100000",
        "RATE_LIMIT_LOGIN_MAX_REQUESTS": "1000",
    }


@pytest.fixture
def cloud_settings(
    tmp_path: Path,
    fresh_postgres_url: str,
    redis_url: str,
    redis_prefix: str,
    s3_bucket: S3Options,
) -> Settings:
    env = cloud_env(tmp_path / "data", fresh_postgres_url, redis_url, redis_prefix, s3_bucket)
    return load_settings(env)


def bucket_keys(s3: S3Options, prefix: str) -> list[str]:
    client = make_client(s3)
    try:
        listed = client.list_objects_v2(Bucket=s3.bucket, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents") or ()]
    finally:
        client.close()


def follow(client: Any, project_id: str, token: str, on_event: Any = None) -> tuple[list, dict]:
    received: list[dict[str, Any]] = []
    with client.websocket_connect(f"/api/projects/{project_id}/events") as socket:
        socket.send_json({"type": "auth", "token": token})
        while True:
            message = socket.receive_json()
            if message["type"] == "end":
                return received, message["run"]
            received.append(message["event"])
            if on_event is not None:
                on_event(message["event"])


def test_the_api_on_postgresql_redis_and_s3(
    cloud_settings: Settings, s3_bucket: S3Options, redis_url: str, redis_prefix: str
) -> None:
    assert cloud_settings.backends.storage_type is StorageType.S3
    assert cloud_settings.backends.session_backend is SessionBackend.REDIS
    with api(cloud_settings) as client:
        ready = client.get("/api/ready")
        assert ready.status_code == 200, ready.text
        checks = ready.json()["checks"]
        assert sorted(checks) == ["database", "queue", "redis", "storage"]
        assert all(c["status"] == "ok" and c["latency_ms"] >= 0 for c in checks.values())

        headers = register(client, "cloud@example.com")
        token = headers["Authorization"].removeprefix("Bearer ")
        # Login sessions live in Redis under the prefix.
        import redis

        with redis.Redis.from_url(redis_url) as r:
            assert list(r.scan_iter(match=f"{redis_prefix}session:*"))

        project_id = ready_project(client, headers)
        uploads = client.get(f"/api/projects/{project_id}/uploads", headers=headers).json()
        stored = bucket_keys(s3_bucket, f"projects/{project_id}/uploads/")
        assert len(stored) == len(uploads["items"]) > 0

        # Downloads: streamed through the API, or a redirect to a presigned URL.
        photo = next(u for u in uploads["items"] if u["media_type"] == "image/jpeg")
        content = f"/api/projects/{project_id}/uploads/{photo['id']}/content"
        streamed = client.get(content, headers=headers)
        assert streamed.status_code == 200
        assert hashlib.sha256(streamed.content).hexdigest() == photo["sha256"]
        moved = client.get(content + "?redirect=true", headers=headers, follow_redirects=False)
        assert moved.status_code == 307
        location = moved.headers["location"]
        assert location.startswith(f"{s3_bucket.endpoint}/{s3_bucket.bucket}/projects/")
        assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
        with urllib.request.urlopen(location, timeout=10) as fetched:
            assert hashlib.sha256(fetched.read()).hexdigest() == photo["sha256"]

        run = client.post(f"/api/projects/{project_id}/runs", headers=headers)
        assert run.status_code == 202, run.text
        received, final = follow(client, project_id, token)
        assert final["status"] == "succeeded", final
        assert [e["seq"] for e in received] == list(range(1, len(received) + 1))

        archive = client.get(f"/api/projects/{project_id}/site.zip", headers=headers)
        assert archive.status_code == 200
        with zipfile.ZipFile(io.BytesIO(archive.content)) as site:
            assert "site/blueprints/site.yml" in site.namelist()
        assert bucket_keys(s3_bucket, f"projects/{project_id}/outputs/site.zip")

        # A refresh rotates the session kept in Redis; logging out revokes it.
        refreshed = client.post("/api/auth/refresh")
        assert refreshed.status_code == 200, refreshed.text
        client.post(
            "/api/auth/logout",
            headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"},
        )
        assert client.post("/api/auth/refresh").status_code == 401

        relogin = client.post(
            "/api/auth/login", json={"email": "cloud@example.com", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {relogin.json()['access_token']}"}
        deleted = client.delete(f"/api/projects/{project_id}", headers=headers)
        assert deleted.status_code == 204, deleted.text
        assert bucket_keys(s3_bucket, f"projects/{project_id}/") == []


def test_a_run_survives_a_redis_restart_and_its_watcher_sees_every_event(
    tmp_path: Path,
    fresh_postgres_url: str,
    private_redis: RedisServer,
    s3_bucket: S3Options,
) -> None:
    env = cloud_env(tmp_path / "data", fresh_postgres_url, private_redis.url, "t:", s3_bucket)
    with api(load_settings(env)) as client:
        headers = register(client, "restart@example.com")
        token = headers["Authorization"].removeprefix("Bearer ")
        project_id = ready_project(client, headers)
        run_id = client.post(f"/api/projects/{project_id}/runs", headers=headers).json()["id"]
        restarted = threading.Event()
        seen_at_restart: list[int] = []

        def restart_once(event: dict[str, Any]) -> None:
            if not restarted.is_set():
                seen_at_restart.append(event["seq"])
                private_redis.restart()  # the run goes on in the app meanwhile
                restarted.set()

        received, final = follow(client, project_id, token, restart_once)
        assert restarted.is_set()
        assert final["status"] == "succeeded", final
        stored = client.get(
            f"/api/projects/{project_id}/runs/{run_id}/events", headers=headers
        ).json()["items"]
        # Every stored event reached the watcher, once and in order, across the restart.
        assert [e["seq"] for e in received] == [e["seq"] for e in stored]
        assert [e["seq"] for e in received] == list(range(1, len(stored) + 1))
        assert seen_at_restart[0] < len(stored)
        assert wait_for_run(client, headers, project_id, run_id)["status"] == "succeeded"
