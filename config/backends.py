"""Which backend serves each port, read from the environment (SPEC §5).

``APP_ENV=production`` picks the cloud defaults (Redis sessions, S3 storage, SAQ on Redis);
every port can still be switched on its own. Problems are collected, not raised one by one,
so a misconfigured start names everything that is wrong at once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import urlsplit

import attrs

MIB = 1024 * 1024
_TRUE = ("1", "true", "yes", "on")
E = TypeVar("E", bound=enum.StrEnum)
_FALSE = ("0", "false", "no", "off")


class SessionBackend(enum.StrEnum):
    SQL = "sql"
    REDIS = "redis"


class StorageType(enum.StrEnum):
    LOCAL = "local"
    S3 = "s3"


class QueueBackend(enum.StrEnum):
    IN_PROCESS = "inprocess"
    SAQ_REDIS = "saq-redis"
    SAQ_POSTGRES = "saq-postgres"


@attrs.frozen
class DatabasePool:
    """SQLAlchemy pool settings for PostgreSQL (SQLite uses its own)."""

    size: int = 5
    max_overflow: int = 10
    timeout_seconds: int = 30
    recycle_seconds: int = 1800
    pre_ping: bool = True
    connect_timeout_seconds: int = 5


@attrs.frozen
class S3Settings:
    endpoint: str = ""  # empty: AWS S3 itself
    bucket: str = ""
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = ""
    path_style: bool = False
    presign_seconds: int = 300
    multipart_threshold_bytes: int = 8 * MIB
    multipart_chunk_bytes: int = 8 * MIB


@attrs.frozen
class RedisSettings:
    url: str = ""
    key_prefix: str = "kirbygen:"
    socket_timeout_seconds: int = 5

    @property
    def enabled(self) -> bool:
        return bool(self.url)


@attrs.frozen
class QueueSettings:
    backend: QueueBackend = QueueBackend.IN_PROCESS
    url: str = ""  # the broker for SAQ (redis:// or postgresql://), empty in-process


@attrs.frozen
class SkillsServiceSettings:
    """The private skills service (``kirbygen skills-api``) and how its clients call it.

    ``base_url`` empty: the skills run in-process. The service itself reads ``token``,
    ``port`` and ``max_request_bytes``; its clients (API, worker, CLI) read the rest.
    """

    base_url: str = ""  # normalised to http(s)://host:port
    token: str = ""  # SKILLS_API_TOKEN, shared by the service and its clients
    port: int = 8001  # where `kirbygen skills-api` listens (PORT)
    connect_timeout_seconds: int = 5
    # One skill call, from request to last byte: a Claude structuring call takes minutes.
    timeout_seconds: int = 1800
    retries: int = 3  # on connection errors and 502/503/504 only; never on 4xx
    backoff_ms: int = 500  # first wait between attempts; doubles each time
    max_request_bytes: int = 256 * MIB  # one call's body (images travel base64-encoded)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


@attrs.frozen
class Backends:
    session_backend: SessionBackend = SessionBackend.SQL
    storage_type: StorageType = StorageType.LOCAL
    s3: S3Settings = S3Settings()
    redis: RedisSettings = RedisSettings()
    queue: QueueSettings = QueueSettings()
    pool: DatabasePool = DatabasePool()
    skills: SkillsServiceSettings = SkillsServiceSettings()


class Problems:
    """Everything wrong with the environment, reported together."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _bool(env: Mapping[str, str], name: str, default: bool, problems: Problems) -> bool:
    raw = _get(env, name).lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    problems.add(f"{name} must be true or false, got {raw!r}")
    return default


def _positive(env: Mapping[str, str], name: str, default: int, problems: Problems) -> int:
    raw = _get(env, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.add(f"{name} must be a whole number, got {raw!r}")
        return default
    if value <= 0:
        problems.add(f"{name} must be positive, got {value}")
        return default
    return value


def _not_negative(env: Mapping[str, str], name: str, default: int, problems: Problems) -> int:
    raw = _get(env, name)
    if raw == "0":
        return 0
    return _positive(env, name, default, problems)


def _choice(env: Mapping[str, str], name: str, kind: type[E], default: E, problems: Problems) -> E:
    raw = _get(env, name).lower()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        problems.add(f"{name} must be one of {allowed}, got {raw!r}")
        return default


def read_backends(env: Mapping[str, str], *, production: bool, problems: Problems) -> Backends:
    redis = _redis(env, problems)
    storage_type = _choice(
        env,
        "STORAGE_TYPE",
        StorageType,
        StorageType.S3 if production else StorageType.LOCAL,
        problems,
    )
    session_backend = _choice(
        env,
        "SESSION_BACKEND",
        SessionBackend,
        SessionBackend.REDIS if production else SessionBackend.SQL,
        problems,
    )
    backends = Backends(
        session_backend=session_backend,
        storage_type=storage_type,
        s3=_s3(env, storage_type, problems),
        redis=redis,
        queue=_queue(env, redis, production, problems),
        pool=_pool(env, problems),
        skills=_skills_service(env, production, problems),
    )
    if session_backend is SessionBackend.REDIS and not redis.enabled:
        problems.add("SESSION_BACKEND=redis needs REDIS_URL")
    return backends


def _redis(env: Mapping[str, str], problems: Problems) -> RedisSettings:
    url = _get(env, "REDIS_URL")
    if url:
        _check_redis_url("REDIS_URL", url, problems)
    prefix = env.get("REDIS_KEY_PREFIX", "kirbygen:")
    if any(c.isspace() for c in prefix):
        problems.add(f"REDIS_KEY_PREFIX must not contain spaces, got {prefix!r}")
    return RedisSettings(
        url=url,
        key_prefix=prefix,
        socket_timeout_seconds=_positive(
            env, "REDIS_SOCKET_TIMEOUT_SECONDS", RedisSettings().socket_timeout_seconds, problems
        ),
    )


def _check_redis_url(name: str, url: str, problems: Problems) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        problems.add(f"{name} must start with redis://, rediss:// or unix://, got {parts.scheme!r}")
        return
    if parts.scheme == "unix":
        return
    database = parts.path.strip("/")
    if database and not database.isdigit():
        problems.add(f"{name}'s database must be a number (redis://host:6379/3), got {database!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        problems.add(f"{name} has an invalid port")
    if not parts.hostname:
        problems.add(f"{name} names no host")


def _s3(env: Mapping[str, str], storage_type: StorageType, problems: Problems) -> S3Settings:
    given = {name: _get(env, name) for name in _S3_NAMES}
    defaults = S3Settings()
    settings = S3Settings(
        endpoint=given["S3_ENDPOINT"].rstrip("/"),
        bucket=given["S3_BUCKET"],
        region=given["S3_REGION"] or defaults.region,
        access_key_id=given["S3_ACCESS_KEY_ID"],
        secret_access_key=given["S3_SECRET_ACCESS_KEY"],
        path_style=_bool(env, "S3_FORCE_PATH_STYLE", defaults.path_style, problems),
        presign_seconds=_positive(env, "S3_PRESIGN_SECONDS", defaults.presign_seconds, problems),
        multipart_threshold_bytes=_positive(
            env, "S3_MULTIPART_THRESHOLD_BYTES", defaults.multipart_threshold_bytes, problems
        ),
        multipart_chunk_bytes=_positive(
            env, "S3_MULTIPART_CHUNK_BYTES", defaults.multipart_chunk_bytes, problems
        ),
    )
    if storage_type is StorageType.S3:
        # Credentials come from these settings only, never from boto3's own search (instance
        # metadata, ~/.aws): what the bucket is reached with is what the operator set.
        missing = [
            name
            for name in ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
            if not given[name]
        ]
        if missing:
            problems.add(f"STORAGE_TYPE=s3 needs {', '.join(missing)}")
        if settings.endpoint and urlsplit(settings.endpoint).scheme not in ("http", "https"):
            problems.add(f"S3_ENDPOINT must be an http(s) URL, got {settings.endpoint!r}")
        if settings.multipart_chunk_bytes < 5 * MIB:
            problems.add("S3_MULTIPART_CHUNK_BYTES must be at least 5 MiB (an S3 rule)")
    else:
        stray = [name for name, value in given.items() if value and name != "S3_REGION"]
        if stray:
            problems.add(
                f"{', '.join(stray)} set but STORAGE_TYPE={storage_type.value}: "
                "set STORAGE_TYPE=s3 or remove them"
            )
    return settings


_S3_NAMES = (
    "S3_ENDPOINT",
    "S3_BUCKET",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
)


def _queue(
    env: Mapping[str, str], redis: RedisSettings, production: bool, problems: Problems
) -> QueueSettings:
    raw = _get(env, "QUEUE_URL")
    if not raw:
        # Production's default is SAQ on the Redis it already has; locally, in-process.
        if production and redis.enabled:
            return QueueSettings(QueueBackend.SAQ_REDIS, redis.url)
        return QueueSettings()
    if raw.lower() == QueueBackend.IN_PROCESS.value:
        return QueueSettings()
    scheme = urlsplit(raw).scheme.lower()
    if scheme in ("redis", "rediss"):
        _check_redis_url("QUEUE_URL", raw, problems)
        return QueueSettings(QueueBackend.SAQ_REDIS, raw)
    if scheme in ("postgres", "postgresql"):
        # SAQ's PostgreSQL queue takes the plain libpq form (not postgresql+psycopg://).
        return QueueSettings(QueueBackend.SAQ_POSTGRES, "postgresql://" + raw.split("://", 1)[1])
    problems.add(
        "QUEUE_URL must be empty or 'inprocess' (in-process), redis://… (SAQ on Redis) "
        f"or postgresql://… (SAQ on PostgreSQL), got a {scheme or 'schemeless'!r} URL"
    )
    return QueueSettings()


def _pool(env: Mapping[str, str], problems: Problems) -> DatabasePool:
    d = DatabasePool()
    return DatabasePool(
        size=_positive(env, "DATABASE_POOL_SIZE", d.size, problems),
        max_overflow=_not_negative(env, "DATABASE_MAX_OVERFLOW", d.max_overflow, problems),
        timeout_seconds=_positive(
            env, "DATABASE_POOL_TIMEOUT_SECONDS", d.timeout_seconds, problems
        ),
        recycle_seconds=_positive(
            env, "DATABASE_POOL_RECYCLE_SECONDS", d.recycle_seconds, problems
        ),
        pre_ping=_bool(env, "DATABASE_POOL_PRE_PING", d.pre_ping, problems),
        connect_timeout_seconds=_positive(
            env, "DATABASE_CONNECT_TIMEOUT_SECONDS", d.connect_timeout_seconds, problems
        ),
    )


def skills_base_url(raw: str) -> str:
    """``http(s)://host:port`` as given, or a bare ``host:port`` (Render's ``hostport``
    property of a private service) with ``http://`` added; no trailing slash."""
    url = raw.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    return url


# A shared secret shorter than this is refused in production (Render's generateValue gives 44).
MIN_SKILLS_TOKEN_CHARS = 16


def check_skills_token(token: str, problems: Problems) -> None:
    if token and len(token) < MIN_SKILLS_TOKEN_CHARS:
        problems.add(
            f"SKILLS_API_TOKEN must be at least {MIN_SKILLS_TOKEN_CHARS} characters in "
            "production (a long random value, the same on the service and its clients)"
        )


def _skills_service(
    env: Mapping[str, str], production: bool, problems: Problems
) -> SkillsServiceSettings:
    d = SkillsServiceSettings()
    base_url = skills_base_url(_get(env, "SKILLS_BASE_URL"))
    token = _get(env, "SKILLS_API_TOKEN")
    if base_url:
        parts = urlsplit(base_url)
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
            bad_port = False
        except ValueError:
            bad_port = True
        if parts.scheme not in ("http", "https") or not parts.hostname or bad_port:
            problems.add(
                "SKILLS_BASE_URL must be http(s)://host:port or host:port, "
                f"got {_get(env, 'SKILLS_BASE_URL')!r}"
            )
        if not token:
            problems.add(
                "SKILLS_BASE_URL is set but SKILLS_API_TOKEN is not: set the token the "
                "skills service was started with"
            )
        elif production:
            check_skills_token(token, problems)
    return SkillsServiceSettings(
        base_url=base_url,
        token=token,
        port=_positive(env, "PORT", d.port, problems),
        connect_timeout_seconds=_positive(
            env, "KIRBYGEN_SKILLS_CONNECT_TIMEOUT_SECONDS", d.connect_timeout_seconds, problems
        ),
        timeout_seconds=_positive(
            env, "KIRBYGEN_SKILLS_TIMEOUT_SECONDS", d.timeout_seconds, problems
        ),
        retries=_not_negative(env, "KIRBYGEN_SKILLS_RETRIES", d.retries, problems),
        backoff_ms=_not_negative(env, "KIRBYGEN_SKILLS_BACKOFF_MS", d.backoff_ms, problems),
        max_request_bytes=_positive(
            env, "KIRBYGEN_SKILLS_MAX_REQUEST_BYTES", d.max_request_bytes, problems
        ),
    )
