"""Which adapter serves each port, from the environment: production's cloud defaults, each
port switched on its own, and one message naming every problem."""

from __future__ import annotations

import pytest

from config.backends import QueueBackend, SessionBackend, StorageType
from config.settings import load_settings
from domain.errors import InvalidInput
from entrypoints.cli import main

PRODUCTION = {
    "APP_ENV": "production",
    "DATABASE_URL": "postgres://kg:pw@db.internal:5432/kirbygen",
    "REDIS_URL": "redis://cache.internal:6379/3",
    "JWT_SECRET": "j" * 40,
    "SESSION_SECRET": "s" * 40,
    "S3_BUCKET": "kirbygen-files",
    "S3_ACCESS_KEY_ID": "AKIA",
    "S3_SECRET_ACCESS_KEY": "secret",
    "KIRBYGEN_SKILLS": "offline",
}


def problems_of(env: dict[str, str]) -> str:
    with pytest.raises(InvalidInput) as refused:
        load_settings(env)
    return refused.value.message


def test_local_defaults_need_no_server() -> None:
    backends = load_settings({}).backends
    assert backends.storage_type is StorageType.LOCAL
    assert backends.session_backend is SessionBackend.SQL
    assert backends.queue.backend is QueueBackend.IN_PROCESS
    assert not backends.redis.enabled


def test_production_picks_the_cloud_defaults() -> None:
    settings = load_settings(PRODUCTION)
    backends = settings.backends
    assert backends.storage_type is StorageType.S3
    assert backends.session_backend is SessionBackend.REDIS
    assert backends.queue.backend is QueueBackend.SAQ_REDIS
    assert backends.queue.url == PRODUCTION["REDIS_URL"]
    assert backends.s3.bucket == "kirbygen-files"
    assert settings.database_url.startswith("postgres://")


def test_a_production_start_without_settings_lists_every_problem() -> None:
    message = problems_of({"APP_ENV": "production"})
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "JWT_SECRET",
        "SESSION_SECRET",
        "S3_BUCKET",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "ANTHROPIC_API_KEY",
        "KIRBYGEN_SKILLS=offline",
    ):
        assert name in message
    assert "problems:" in message


def test_offline_skills_make_a_start_valid_without_a_model_key() -> None:
    without = dict(PRODUCTION)
    del without["KIRBYGEN_SKILLS"]
    assert "ANTHROPIC_API_KEY" in problems_of(without)
    load_settings(without | {"ANTHROPIC_API_KEY": "sk-ant-test"})
    load_settings(without | {"CLAUDE_API_KEY": "sk-ant-test"})


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SESSION_BACKEND": "memcached"}, "SESSION_BACKEND must be one of sql, redis"),
        ({"STORAGE_TYPE": "ftp"}, "STORAGE_TYPE must be one of local, s3"),
        ({"SESSION_BACKEND": "redis"}, "SESSION_BACKEND=redis needs REDIS_URL"),
        ({"STORAGE_TYPE": "s3"}, "STORAGE_TYPE=s3 needs S3_BUCKET"),
        ({"S3_BUCKET": "b"}, "S3_BUCKET set but STORAGE_TYPE=local"),
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL must start with redis://"),
        ({"REDIS_URL": "redis://cache:6379/x"}, "database must be a number"),
        ({"QUEUE_URL": "amqp://broker"}, "QUEUE_URL must be empty"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL must be a sqlite"),
        ({"SKILLS_BASE_URL": "http://skills:8001"}, "SKILLS_API_TOKEN is not"),
        ({"SKILLS_BASE_URL": "ftp://skills:8001", "SKILLS_API_TOKEN": "t"}, "SKILLS_BASE_URL must"),
        ({"SKILLS_BASE_URL": "skills:port", "SKILLS_API_TOKEN": "t"}, "SKILLS_BASE_URL must"),
        ({"KIRBYGEN_SKILLS_TIMEOUT_SECONDS": "0"}, "KIRBYGEN_SKILLS_TIMEOUT_SECONDS must be"),
        ({"KIRBYGEN_SKILLS_RETRIES": "many"}, "KIRBYGEN_SKILLS_RETRIES must be"),
        ({"DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE must be positive"),
        ({"DATABASE_POOL_PRE_PING": "maybe"}, "DATABASE_POOL_PRE_PING must be true or false"),
        ({"S3_FORCE_PATH_STYLE": "sometimes"}, "S3_FORCE_PATH_STYLE must be true or false"),
    ],
)
def test_each_bad_switch_is_named(change: dict[str, str], named: str) -> None:
    assert named in problems_of(change)


def test_several_problems_in_one_message() -> None:
    message = problems_of({"STORAGE_TYPE": "ftp", "KIRBYGEN_MAX_PAGE_SIZE": "lots"})
    assert "STORAGE_TYPE" in message
    assert "KIRBYGEN_MAX_PAGE_SIZE" in message
    assert "2 problems" in message


def test_each_port_switches_on_its_own_locally() -> None:
    backends = load_settings(
        {
            "STORAGE_TYPE": "s3",
            "S3_ENDPOINT": "http://127.0.0.1:9000/",
            "S3_BUCKET": "b",
            "S3_REGION": "eu-central-1",
            "S3_ACCESS_KEY_ID": "id",
            "S3_SECRET_ACCESS_KEY": "secret",
            "S3_FORCE_PATH_STYLE": "true",
            "SESSION_BACKEND": "redis",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
            "REDIS_KEY_PREFIX": "tenant-a:",
        }
    ).backends
    assert backends.storage_type is StorageType.S3
    assert backends.s3.endpoint == "http://127.0.0.1:9000"
    assert backends.s3.path_style
    assert backends.s3.region == "eu-central-1"
    assert backends.session_backend is SessionBackend.REDIS
    assert backends.redis.key_prefix == "tenant-a:"
    assert backends.queue.backend is QueueBackend.IN_PROCESS  # not production: no default


@pytest.mark.parametrize(
    ("url", "backend", "broker"),
    [
        ("", QueueBackend.IN_PROCESS, ""),
        ("inprocess", QueueBackend.IN_PROCESS, ""),
        ("redis://q:6379/4", QueueBackend.SAQ_REDIS, "redis://q:6379/4"),
        ("postgres://u@db/q", QueueBackend.SAQ_POSTGRES, "postgresql://u@db/q"),
        ("postgresql://u@db/q", QueueBackend.SAQ_POSTGRES, "postgresql://u@db/q"),
    ],
)
def test_queue_url(url: str, backend: QueueBackend, broker: str) -> None:
    queue = load_settings({"QUEUE_URL": url}).backends.queue
    assert queue.backend is backend
    assert queue.url == broker


def test_production_may_keep_jobs_in_process() -> None:
    queue = load_settings(PRODUCTION | {"QUEUE_URL": "inprocess"}).backends.queue
    assert queue.backend is QueueBackend.IN_PROCESS


def test_pool_settings() -> None:
    pool = load_settings(
        {
            "DATABASE_POOL_SIZE": "20",
            "DATABASE_MAX_OVERFLOW": "0",
            "DATABASE_POOL_TIMEOUT_SECONDS": "3",
            "DATABASE_POOL_RECYCLE_SECONDS": "600",
            "DATABASE_POOL_PRE_PING": "false",
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
        }
    ).backends.pool
    assert (pool.size, pool.max_overflow, pool.timeout_seconds) == (20, 0, 3)
    assert (pool.recycle_seconds, pool.pre_ping, pool.connect_timeout_seconds) == (600, False, 2)


def test_the_command_line_stops_with_the_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    for name in [*PRODUCTION, "ANTHROPIC_API_KEY", "CLAUDE_API_KEY", "QUEUE_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kirbygen: invalid settings (APP_ENV=production)")
    assert "DATABASE_URL" in err and "REDIS_URL" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("skills-abc:10000", "http://skills-abc:10000"),  # Render's fromService hostport
        ("http://127.0.0.1:8001/", "http://127.0.0.1:8001"),
        ("https://skills.example.com", "https://skills.example.com"),
    ],
)
def test_the_skills_service_url_takes_a_bare_host_and_port(given: str, url: str) -> None:
    settings = load_settings({"SKILLS_BASE_URL": given, "SKILLS_API_TOKEN": "t" * 32})
    assert settings.backends.skills.enabled
    assert settings.backends.skills.base_url == url
    assert settings.backends.skills.token == "t" * 32


def test_skills_settings_have_named_limits() -> None:
    skills = load_settings(
        {
            "KIRBYGEN_SKILLS_TIMEOUT_SECONDS": "7",
            "KIRBYGEN_SKILLS_CONNECT_TIMEOUT_SECONDS": "2",
            "KIRBYGEN_SKILLS_RETRIES": "0",
            "KIRBYGEN_SKILLS_BACKOFF_MS": "10",
            "KIRBYGEN_SKILLS_MAX_REQUEST_BYTES": "1000",
        }
    ).backends.skills
    assert not skills.enabled
    assert (skills.timeout_seconds, skills.connect_timeout_seconds) == (7, 2)
    assert (skills.retries, skills.backoff_ms, skills.max_request_bytes) == (0, 10, 1000)


def test_with_a_skills_service_the_api_needs_no_model_key() -> None:
    # The model is called by the skills service, which holds the key.
    without = dict(PRODUCTION)
    del without["KIRBYGEN_SKILLS"]
    remote = without | {"SKILLS_BASE_URL": "skills:10000", "SKILLS_API_TOKEN": "t" * 32}
    assert load_settings(remote).backends.skills.enabled


def test_the_skills_service_needs_its_token_and_nothing_of_the_api() -> None:
    message = problems_of_service({"APP_ENV": "production", "KIRBYGEN_SKILLS": "offline"})
    assert "SKILLS_API_TOKEN is required" in message
    for name in ("DATABASE_URL", "REDIS_URL", "JWT_SECRET", "S3_BUCKET"):
        assert name not in message
    settings = load_settings(
        {"APP_ENV": "production", "KIRBYGEN_SKILLS": "offline", "SKILLS_API_TOKEN": "t" * 32},
        skills_service=True,
    )
    assert settings.backends.skills.port == 8001
    assert "ANTHROPIC_API_KEY" in problems_of_service(
        {"APP_ENV": "production", "SKILLS_API_TOKEN": "t" * 32}
    )
    assert "must not be set for the skills service" in problems_of_service(
        {"SKILLS_API_TOKEN": "t", "SKILLS_BASE_URL": "skills:1"}
    )


def problems_of_service(env: dict[str, str]) -> str:
    with pytest.raises(InvalidInput) as refused:
        load_settings(env, skills_service=True)
    return refused.value.message


def test_production_refuses_a_short_skills_token_on_both_sides() -> None:
    short = {"SKILLS_BASE_URL": "skills:10000", "SKILLS_API_TOKEN": "short"}
    assert "SKILLS_API_TOKEN must be at least 16 characters" in problems_of(PRODUCTION | short)
    load_settings(short)  # locally a short token is the developer's business
    service = {"APP_ENV": "production", "KIRBYGEN_SKILLS": "offline", "SKILLS_API_TOKEN": "x"}
    assert "at least 16 characters" in problems_of_service(service)
