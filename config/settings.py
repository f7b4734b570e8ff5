"""Settings read from the environment (and a local `.env` file). Every limit is named here."""

from __future__ import annotations

import contextvars
import enum
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from config.backends import Backends, Problems, check_skills_token, read_backends
from config.backup_settings import BackupSettings, load_backup_settings
from config.deploy_settings import DeploySettings, load_deploy_settings
from domain.documents import IngestLimits
from domain.errors import InvalidInput

# While load_settings runs, bad values are collected here (and the default used) so one
# message lists every problem; outside it, they raise at once.
_problems: contextvars.ContextVar[Problems | None] = contextvars.ContextVar(
    "settings_problems", default=None
)


def _report(message: str) -> None:
    problems = _problems.get()
    if problems is None:
        raise InvalidInput(message)
    problems.add(message)


class AppEnv(enum.StrEnum):
    LOCAL = "local"
    TEST = "test"
    PRODUCTION = "production"


class LogLevel(enum.StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


class LogFormat(enum.StrEnum):
    TEXT = "text"  # readable lines for a terminal
    JSON = "json"  # one JSON object per line for a log collector


class SkillsMode(enum.StrEnum):
    AUTO = "auto"  # Claude when an API key is set, offline otherwise
    OFFLINE = "offline"
    CLAUDE = "claude"


@attrs.frozen
class ModelPrice:
    """US dollars per million tokens, by kind of token."""

    input: float
    output: float
    cache_write: float
    cache_read: float


# Anthropic's list prices (USD per million tokens; cache writes are the 5-minute ones).
# CLAUDE_PRICE overrides the entry of the configured model.
MODEL_PRICES: dict[str, ModelPrice] = {
    "claude-opus-5-5": ModelPrice(5.0, 25.0, 6.25, 0.5),
    "claude-opus-5": ModelPrice(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-8": ModelPrice(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-7": ModelPrice(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-6": ModelPrice(5.0, 25.0, 6.25, 0.5),
    "claude-sonnet-5-5": ModelPrice(3.0, 15.0, 3.75, 0.3),
    "claude-sonnet-5": ModelPrice(3.0, 15.0, 3.75, 0.3),
    "claude-sonnet-4-6": ModelPrice(3.0, 15.0, 3.75, 0.3),
    "claude-haiku-5-5": ModelPrice(1.0, 5.0, 1.25, 0.1),
    "claude-haiku-4-5": ModelPrice(1.0, 5.0, 1.25, 0.1),
}
DEFAULT_CLAUDE_MODEL = "claude-sonnet-5-5"


@attrs.frozen
class ClaudeSettings:
    """The Anthropic API: key, model, where it is, and how calls are bounded and retried."""

    api_key: str = ""
    model: str = DEFAULT_CLAUDE_MODEL
    base_url: str = ""  # empty: the SDK's default (api.anthropic.com)
    timeout_seconds: int = 120  # one call, connect to last byte
    max_retries: int = 4  # on 429/529/5xx/timeouts; never on auth or spend-limit errors
    backoff_ms: int = 1000  # first wait without retry-after; doubles each retry
    max_wait_seconds: int = 60  # a longer wait defers the queued job instead
    max_tokens: int = 8192  # output tokens per call
    stream_min_tokens: int = 4096  # calls allowed this many output tokens or more stream
    documents_per_call: int = 8  # documents structured in one call
    max_document_chars: int = 12_000  # text of one document sent in a prompt
    image_px: int = 512  # longest side of an image sent to the model
    max_images: int = 6  # images sent to the design call
    prices: dict[str, ModelPrice] = attrs.field(factory=lambda: dict(MODEL_PRICES))

    @property
    def price(self) -> ModelPrice | None:
        return self.prices.get(self.model)


@attrs.frozen
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_source_files: int = 500
    max_entities: int = 50
    max_fields_per_entity: int = 60


MIB = 1024 * 1024


@attrs.frozen
class HttpSettings:
    """The API's settings: where it listens, its secrets, and the named request limits."""

    host: str = "0.0.0.0"
    port: int = 8000
    jwt_secret: str = ""
    session_secret: str = ""
    access_token_seconds: int = 15 * 60
    preview_token_seconds: int = 60 * 60
    session_ttl_seconds: int = 7 * 24 * 3600
    cors_origins: tuple[str, ...] = ()
    rate_limit_window_ms: int = 60_000
    rate_limit_max_requests: int = 600
    rate_limit_login_max_requests: int = 10
    max_upload_bytes: int = 50 * MIB
    max_request_bytes: int = 200 * MIB
    max_files_per_request: int = 20
    max_json_bytes: int = MIB
    max_message_chars: int = 2000
    max_page_size: int = 100
    # Hostile clients: how deep JSON may nest, how long headers and bodies may take to
    # arrive, how long an idle keep-alive connection stays, how big a WebSocket message is.
    max_json_depth: int = 64
    header_timeout_seconds: int = 10
    body_timeout_seconds: int = 30
    upload_timeout_seconds: int = 900
    keep_alive_seconds: int = 5
    max_ws_message_bytes: int = 4096
    rate_limit_login_account_max_requests: int = 10


# Seconds each generation phase may take before its run fails with ``phase_timeout``; sized
# for phases that wait on model calls. Environment: KIRBYGEN_PHASE_TIMEOUT_<PHASE>_SECONDS.
DEFAULT_PHASE_TIMEOUTS: dict[str, int] = {
    "ingest": 600,
    "mapping": 900,
    "structuring": 1800,
    "design": 600,
    "site": 600,
}


@attrs.frozen
class WorkerSettings:
    """How queued runs are worked on: by `kirbygen worker` processes when ``QUEUE_URL``
    names a SAQ broker, else inside `kirbygen serve`."""

    queue_name: str = "kirbygen"
    concurrency: int = 2
    heartbeat_seconds: int = 30
    sweep_seconds: int = 30
    attempts: int = 5
    retry_delay_seconds: int = 5
    retry_max_delay_seconds: int = 300
    max_resumes: int = 3
    phase_timeouts: tuple[tuple[str, int], ...] = tuple(DEFAULT_PHASE_TIMEOUTS.items())

    @property
    def job_timeout_seconds(self) -> int:
        """The whole job's limit in the queue: every phase's budget plus a margin."""
        return sum(seconds for _, seconds in self.phase_timeouts) + 300


@attrs.frozen
class Settings:
    app_env: AppEnv = AppEnv.LOCAL
    data_dir: Path = Path("var")
    database_url: str = ""
    skills: SkillsMode = SkillsMode.AUTO
    load_entry_points: bool = True
    log_level: str = "INFO"
    log_format: str = "text"
    # Errors are reported to Sentry when set (see docs/operations.md); empty: not at all.
    sentry_dsn: str = ""
    limits: Limits = Limits()
    http: HttpSettings = HttpSettings()
    ingest: IngestLimits = IngestLimits()
    worker: WorkerSettings = WorkerSettings()
    claude: ClaudeSettings = ClaudeSettings()
    backends: Backends = Backends()
    deploy: DeploySettings = DeploySettings()
    backup: BackupSettings = BackupSettings()

    @property
    def uses_claude(self) -> bool:
        """Whether the Claude skills serve the model-backed slots."""
        if self.skills is SkillsMode.OFFLINE:
            return False
        return self.skills is SkillsMode.CLAUDE or bool(self.claude.api_key)

    @property
    def storage_type(self) -> str:
        return self.backends.storage_type.value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kirbygen.db'}"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        _report(f"{name} must be a whole number, got {raw!r}")
        return default
    if value <= 0:
        _report(f"{name} must be positive, got {value}")
        return default
    return value


def _default(cls: type, name: str) -> int:
    # Slotted attrs classes keep defaults on their fields, not as class attributes.
    value = attrs.fields_dict(cls)[name].default
    assert isinstance(value, int)
    return value


def _choice(env: Mapping[str, str], name: str, enum_type: type[enum.StrEnum], default: str) -> str:
    raw = (env.get(name) or default).strip().lower()
    allowed = [m.value for m in enum_type]
    if raw not in allowed:
        _report(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
        return default
    return raw


def load_settings(
    env: Mapping[str, str] | None = None, *, skills_service: bool = False
) -> Settings:
    """Settings from ``env`` (default: the process environment, after reading `.env`).

    ``skills_service``: for `kirbygen skills-api`, which holds no database, session or
    queue and so needs none of their production settings — only its token (and a model key
    unless offline). Raises one ``InvalidInput`` listing every problem found."""
    if env is None:
        _load_dotenv(Path.cwd() / ".env")
        env = os.environ
    problems = Problems()
    token = _problems.set(problems)
    try:
        settings = _read_settings(env, problems, skills_service)
    except InvalidInput as exc:
        problems.add(exc.message)
        settings = None
    finally:
        _problems.reset(token)
    if problems.items or settings is None:
        raise InvalidInput(_problem_message(env, problems.items), code="invalid_settings")
    return settings


def _problem_message(env: Mapping[str, str], items: list[str]) -> str:
    where = (env.get("APP_ENV") or "local").strip().lower()
    if len(items) == 1:
        return f"invalid settings (APP_ENV={where}): {items[0]}"
    listed = "".join(f"\n  - {item}" for item in items)
    return f"invalid settings (APP_ENV={where}), {len(items)} problems:{listed}"


def _read_settings(env: Mapping[str, str], problems: Problems, skills_service: bool) -> Settings:
    limits = Limits(
        max_file_bytes=_int(env, "KIRBYGEN_MAX_FILE_BYTES", _default(Limits, "max_file_bytes")),
        max_source_files=_int(
            env, "KIRBYGEN_MAX_SOURCE_FILES", _default(Limits, "max_source_files")
        ),
        max_entities=_int(env, "KIRBYGEN_MAX_ENTITIES", _default(Limits, "max_entities")),
        max_fields_per_entity=_int(
            env, "KIRBYGEN_MAX_FIELDS_PER_ENTITY", _default(Limits, "max_fields_per_entity")
        ),
    )
    app_env = AppEnv(_choice(env, "APP_ENV", AppEnv, "local"))
    production = app_env is AppEnv.PRODUCTION
    database_url = (env.get("DATABASE_URL") or "").strip()
    _check_database_url(database_url, problems)
    skills = SkillsMode(_choice(env, "KIRBYGEN_SKILLS", SkillsMode, "auto"))
    claude = _claude_settings(env)
    # The skills service stores nothing: the production defaults of storage, sessions and
    # queue do not apply to it.
    backends = read_backends(env, production=production and not skills_service, problems=problems)
    # With SKILLS_BASE_URL the model is called by the skills service, which holds the key.
    if skills is SkillsMode.CLAUDE and not claude.api_key and not backends.skills.enabled:
        problems.add(
            "KIRBYGEN_SKILLS=claude needs an API key: set ANTHROPIC_API_KEY (or CLAUDE_API_KEY)"
        )
    if skills_service:
        _check_skills_service(backends, problems)
        if production:
            check_skills_token(backends.skills.token, problems)
        if production and skills is not SkillsMode.OFFLINE and not claude.api_key:
            problems.add(
                f"KIRBYGEN_SKILLS={skills.value} needs ANTHROPIC_API_KEY (or CLAUDE_API_KEY); "
                "set KIRBYGEN_SKILLS=offline to run without a model"
            )
    elif production:
        _check_production(env, database_url, skills, backends, problems)
    return Settings(
        app_env=app_env,
        data_dir=Path(env.get("KIRBYGEN_DATA_DIR") or "var"),
        database_url=database_url,
        backends=backends,
        skills=skills,
        claude=claude,
        load_entry_points=env.get("KIRBYGEN_DISABLE_PLUGINS", "") not in ("1", "true"),
        log_level=_choice(env, "LOG_LEVEL", LogLevel, "info").upper(),
        log_format=_choice(env, "LOG_FORMAT", LogFormat, "text"),
        sentry_dsn=_sentry_dsn(env, problems),
        limits=limits,
        http=_http_settings(env),
        ingest=_ingest_limits(env, limits.max_file_bytes),
        worker=_worker_settings(env),
        deploy=load_deploy_settings(env),
        backup=load_backup_settings(env),
    )


# Environment variable -> WorkerSettings field, for the whole-number settings.
_WORKER_INTS = {
    "KIRBYGEN_WORKER_CONCURRENCY": "concurrency",
    "KIRBYGEN_JOB_HEARTBEAT_SECONDS": "heartbeat_seconds",
    "KIRBYGEN_QUEUE_SWEEP_SECONDS": "sweep_seconds",
    "KIRBYGEN_JOB_ATTEMPTS": "attempts",
    "KIRBYGEN_JOB_RETRY_DELAY_SECONDS": "retry_delay_seconds",
    "KIRBYGEN_JOB_RETRY_MAX_DELAY_SECONDS": "retry_max_delay_seconds",
    "KIRBYGEN_RUN_MAX_RESUMES": "max_resumes",
}


def _worker_settings(env: Mapping[str, str]) -> WorkerSettings:
    numbers = {
        field: _int(env, name, _default(WorkerSettings, field))
        for name, field in _WORKER_INTS.items()
    }
    timeouts = tuple(
        (phase, _int(env, f"KIRBYGEN_PHASE_TIMEOUT_{phase.upper()}_SECONDS", seconds))
        for phase, seconds in DEFAULT_PHASE_TIMEOUTS.items()
    )
    name = (env.get("KIRBYGEN_QUEUE_NAME") or "kirbygen").strip()
    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        _report(f"KIRBYGEN_QUEUE_NAME may hold letters, digits, '-', '_', '.'; got {name!r}")
        name = "kirbygen"
    return WorkerSettings(
        queue_name=name,
        phase_timeouts=timeouts,
        **numbers,
    )


def _check_database_url(url: str, problems: Problems) -> None:
    if not url:
        return
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("sqlite", "postgres", "postgresql", "postgresql+psycopg"):
        problems.add(
            f"DATABASE_URL must be a sqlite:///… or postgresql://… URL, got {scheme or url!r}"
        )


def _sentry_dsn(env: Mapping[str, str], problems: Problems) -> str:
    """SENTRY_DSN checked as the SDK will read it, so a typo stops the start, not the reports."""
    dsn = (env.get("SENTRY_DSN") or "").strip()
    if not dsn:
        return ""
    parts = urlsplit(dsn)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
        port_ok = True
    except ValueError:
        port_ok = False
    project = parts.path.rsplit("/", 1)[-1]
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not parts.username
        or not project.isdigit()
        or not port_ok
    ):
        problems.add(
            "SENTRY_DSN must look like https://<public key>@<host>/<project number> "
            "(copy it from the Sentry project's Client Keys page)"
        )
        return ""
    return dsn


def _check_production(
    env: Mapping[str, str],
    database_url: str,
    skills: SkillsMode,
    backends: Backends,
    problems: Problems,
) -> None:
    """What a production start needs: shared services, secrets and a model key."""
    if not database_url:
        problems.add("DATABASE_URL is required (postgresql://…)")
    if not backends.redis.enabled:
        problems.add(
            "REDIS_URL is required: progress, rate limits and sessions are shared through it"
        )
    missing = [name for name in ("JWT_SECRET", "SESSION_SECRET") if not env.get(name)]
    if missing:
        problems.add(f"missing required secrets: {', '.join(missing)}")
    has_key = any((env.get(n) or "").strip() for n in ("ANTHROPIC_API_KEY", "CLAUDE_API_KEY"))
    # With SKILLS_BASE_URL the model is called by the skills service, which holds the key.
    if skills is not SkillsMode.OFFLINE and not has_key and not backends.skills.enabled:
        problems.add(
            f"KIRBYGEN_SKILLS={skills.value} needs ANTHROPIC_API_KEY (or CLAUDE_API_KEY); "
            "set KIRBYGEN_SKILLS=offline to run without a model"
        )


def _check_skills_service(backends: Backends, problems: Problems) -> None:
    if not backends.skills.token:
        problems.add(
            "SKILLS_API_TOKEN is required: the skills service answers only callers that "
            "present it (Authorization: Bearer …)"
        )
    if backends.skills.enabled:
        problems.add("SKILLS_BASE_URL must not be set for the skills service itself")


# Environment variable -> IngestLimits field: the limits hostile files are parsed within.
_INGEST_INTS = {
    "KIRBYGEN_MAX_ARCHIVE_MEMBERS": "max_archive_members",
    "KIRBYGEN_MAX_ARCHIVE_BYTES": "max_archive_bytes",
    "KIRBYGEN_MAX_XML_BYTES": "max_xml_bytes",
    "KIRBYGEN_MAX_IMAGE_PIXELS": "max_image_pixels",
    "KIRBYGEN_MAX_PDF_PAGES": "max_pdf_pages",
    "KIRBYGEN_PDF_TIMEOUT_SECONDS": "pdf_timeout_seconds",
    "KIRBYGEN_PDF_MEMORY_BYTES": "pdf_memory_bytes",
    "KIRBYGEN_MAX_TEXT_CHARS": "max_text_chars",
    "KIRBYGEN_MAX_XML_ELEMENTS": "max_xml_elements",
    "KIRBYGEN_MAX_XML_DEPTH": "max_xml_depth",
    "KIRBYGEN_PARSE_WORKERS": "parse_workers",
}


def _ingest_limits(env: Mapping[str, str], max_file_bytes: int) -> IngestLimits:
    defaults = IngestLimits()
    numbers = {
        field: _int(env, name, int(getattr(defaults, field)))
        for name, field in _INGEST_INTS.items()
    }
    return IngestLimits(max_file_bytes=max_file_bytes, **numbers)


# Environment variable -> HttpSettings field, for the whole-number settings.
_HTTP_INTS = {
    "PORT": "port",
    "KIRBYGEN_ACCESS_TOKEN_SECONDS": "access_token_seconds",
    "KIRBYGEN_PREVIEW_TOKEN_SECONDS": "preview_token_seconds",
    "KIRBYGEN_SESSION_TTL_SECONDS": "session_ttl_seconds",
    "RATE_LIMIT_WINDOW_MS": "rate_limit_window_ms",
    "RATE_LIMIT_MAX_REQUESTS": "rate_limit_max_requests",
    "RATE_LIMIT_LOGIN_MAX_REQUESTS": "rate_limit_login_max_requests",
    "KIRBYGEN_MAX_UPLOAD_BYTES": "max_upload_bytes",
    "KIRBYGEN_MAX_REQUEST_BYTES": "max_request_bytes",
    "KIRBYGEN_MAX_FILES_PER_REQUEST": "max_files_per_request",
    "KIRBYGEN_MAX_JSON_BYTES": "max_json_bytes",
    "KIRBYGEN_MAX_MESSAGE_CHARS": "max_message_chars",
    "KIRBYGEN_MAX_PAGE_SIZE": "max_page_size",
    "KIRBYGEN_MAX_JSON_DEPTH": "max_json_depth",
    "KIRBYGEN_HEADER_TIMEOUT_SECONDS": "header_timeout_seconds",
    "KIRBYGEN_BODY_TIMEOUT_SECONDS": "body_timeout_seconds",
    "KIRBYGEN_UPLOAD_TIMEOUT_SECONDS": "upload_timeout_seconds",
    "KIRBYGEN_KEEP_ALIVE_SECONDS": "keep_alive_seconds",
    "KIRBYGEN_MAX_WS_MESSAGE_BYTES": "max_ws_message_bytes",
    "RATE_LIMIT_LOGIN_ACCOUNT_MAX_REQUESTS": "rate_limit_login_account_max_requests",
}


def _http_settings(env: Mapping[str, str]) -> HttpSettings:
    numbers = {
        field: _int(env, name, _default(HttpSettings, field)) for name, field in _HTTP_INTS.items()
    }
    origins = tuple(
        o.strip().rstrip("/") for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()
    )
    if "*" in origins:
        # Credentials (the refresh cookie) must never be offered to every origin.
        _report("CORS_ORIGINS must list origins; '*' is not allowed with credentials")
        origins = tuple(o for o in origins if o != "*")
    return HttpSettings(
        host=env.get("HOST") or "0.0.0.0",
        jwt_secret=env.get("JWT_SECRET", ""),
        session_secret=env.get("SESSION_SECRET", ""),
        cors_origins=origins,
        **numbers,
    )


# Environment variable -> ClaudeSettings field, for the whole-number settings.
_CLAUDE_INTS = {
    "KIRBYGEN_CLAUDE_TIMEOUT_SECONDS": "timeout_seconds",
    "KIRBYGEN_CLAUDE_BACKOFF_MS": "backoff_ms",
    "KIRBYGEN_CLAUDE_MAX_WAIT_SECONDS": "max_wait_seconds",
    "KIRBYGEN_CLAUDE_MAX_TOKENS": "max_tokens",
    "KIRBYGEN_CLAUDE_STREAM_MIN_TOKENS": "stream_min_tokens",
    "KIRBYGEN_CLAUDE_DOCUMENTS_PER_CALL": "documents_per_call",
    "KIRBYGEN_CLAUDE_MAX_DOCUMENT_CHARS": "max_document_chars",
    "KIRBYGEN_CLAUDE_IMAGE_PX": "image_px",
    "KIRBYGEN_CLAUDE_MAX_IMAGES": "max_images",
}


def _claude_settings(env: Mapping[str, str]) -> ClaudeSettings:
    numbers = {
        field: _int(env, name, _default(ClaudeSettings, field))
        for name, field in _CLAUDE_INTS.items()
    }
    retries_raw = (env.get("KIRBYGEN_CLAUDE_MAX_RETRIES") or "").strip()
    # Zero retries is a valid choice here (fail on the first overload).
    retries = _default(ClaudeSettings, "max_retries")
    if retries_raw:
        if not retries_raw.isdigit():
            raise InvalidInput(
                f"KIRBYGEN_CLAUDE_MAX_RETRIES must be a whole number, got {retries_raw!r}"
            )
        retries = int(retries_raw)
    model = (env.get("CLAUDE_MODEL") or DEFAULT_CLAUDE_MODEL).strip()
    prices = dict(MODEL_PRICES)
    if env.get("CLAUDE_PRICE"):
        prices[model] = _price(env["CLAUDE_PRICE"])
    return ClaudeSettings(
        api_key=(env.get("ANTHROPIC_API_KEY") or env.get("CLAUDE_API_KEY") or "").strip(),
        model=model,
        base_url=(env.get("ANTHROPIC_BASE_URL") or "").strip(),
        max_retries=retries,
        prices=prices,
        **numbers,
    )


def _price(raw: str) -> ModelPrice:
    parts = [p.strip() for p in raw.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or any(v < 0 for v in values):
        raise InvalidInput(
            "CLAUDE_PRICE must be four numbers, USD per million tokens: "
            f"input,output,cache_write,cache_read — got {raw!r}"
        )
    return ModelPrice(*values)


def _load_dotenv(path: Path) -> None:
    """Honour a local `.env`; variables already set in the environment win."""
    if not path.is_file():
        return
    from dotenv import load_dotenv

    load_dotenv(path, override=False)
