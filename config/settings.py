"""Settings read from the environment (and a local `.env` file). Every limit is named here."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from pathlib import Path

import attrs

from domain.errors import InvalidInput


class AppEnv(enum.StrEnum):
    LOCAL = "local"
    TEST = "test"
    PRODUCTION = "production"


class SkillsMode(enum.StrEnum):
    AUTO = "auto"
    OFFLINE = "offline"


@attrs.frozen
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_source_files: int = 500
    max_entities: int = 50
    max_fields_per_entity: int = 60


@attrs.frozen
class Settings:
    app_env: AppEnv = AppEnv.LOCAL
    data_dir: Path = Path("var")
    database_url: str = ""
    storage_type: str = "local"
    skills: SkillsMode = SkillsMode.AUTO
    load_entry_points: bool = True
    log_level: str = "INFO"
    log_format: str = "text"
    limits: Limits = Limits()

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
        raise InvalidInput(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, got {value}")
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
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment, after reading `.env`)."""
    if env is None:
        _load_dotenv(Path.cwd() / ".env")
        env = os.environ
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
    storage_type = (env.get("STORAGE_TYPE") or "local").strip().lower()
    if storage_type != "local":
        raise InvalidInput(f"STORAGE_TYPE must be 'local' in this version, got {storage_type!r}")
    return Settings(
        app_env=AppEnv(_choice(env, "APP_ENV", AppEnv, "local")),
        data_dir=Path(env.get("KIRBYGEN_DATA_DIR") or "var"),
        database_url=env.get("DATABASE_URL", ""),
        storage_type=storage_type,
        skills=SkillsMode(_choice(env, "KIRBYGEN_SKILLS", SkillsMode, "auto")),
        load_entry_points=env.get("KIRBYGEN_DISABLE_PLUGINS", "") not in ("1", "true"),
        log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
        log_format=(env.get("LOG_FORMAT") or "text").lower(),
        limits=limits,
    )


def _load_dotenv(path: Path) -> None:
    """Honour a local `.env`; variables already set in the environment win."""
    if not path.is_file():
        return
    from dotenv import load_dotenv

    load_dotenv(path, override=False)
