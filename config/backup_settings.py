"""Settings of ``kirbygen backup``: the bucket dumps go to (with credentials of its own, apart
from the storage bucket's) and how long they are kept; and the limits of ``kirbygen import``.

Values are read (and malformed numbers refused) with every other setting; whether the ones
the command needs are present is checked only when it runs (``require_backup``), so an API
process without a backup bucket starts as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from domain.errors import InvalidInput

DEFAULT_KEEP_DAYS = 14
DEFAULT_PREFIX = "kirbygen-db/"
_TRUE = ("1", "true", "yes", "on")
GIB = 1024**3


@attrs.frozen
class BackupSettings:
    bucket: str = ""
    endpoint: str = ""  # empty: AWS S3
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = attrs.field(default="", repr=False)
    path_style: bool = False
    # Folder in the bucket the dumps are written to (and pruned from); ends with '/'.
    prefix: str = DEFAULT_PREFIX
    # Dumps older than this many days are deleted after a successful backup.
    keep_days: int = DEFAULT_KEEP_DAYS
    # The folder holding pg_dump and pg_restore; None: found on PATH. Their major version
    # must be at least the server's.
    pg_bin_dir: Path | None = None
    # What `kirbygen import` accepts from an archive (it is untrusted input).
    archive_max_member_bytes: int = 4 * GIB
    archive_max_total_bytes: int = 50 * GIB
    archive_max_members: int = 100_000
    archive_max_records_bytes: int = 256 * 1024 * 1024


def _text(env: Mapping[str, str], name: str, default: str = "") -> str:
    return (env.get(name) or default).strip()


def _prefix(raw: str) -> str:
    cleaned = raw.strip("/")
    return f"{cleaned}/" if cleaned else ""


def _positive(env: Mapping[str, str], name: str) -> int:
    default = attrs.fields_dict(BackupSettings)[_FIELDS[name]].default
    assert isinstance(default, int)
    raw = _text(env, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, got {value}")
    return value


# Whole-number settings -> BackupSettings field.
_FIELDS = {
    "BACKUP_KEEP_DAYS": "keep_days",
    "KIRBYGEN_ARCHIVE_MAX_MEMBER_BYTES": "archive_max_member_bytes",
    "KIRBYGEN_ARCHIVE_MAX_TOTAL_BYTES": "archive_max_total_bytes",
    "KIRBYGEN_ARCHIVE_MAX_MEMBERS": "archive_max_members",
    "KIRBYGEN_ARCHIVE_MAX_RECORDS_BYTES": "archive_max_records_bytes",
}


def load_backup_settings(env: Mapping[str, str]) -> BackupSettings:
    bin_dir = _text(env, "BACKUP_PG_BIN_DIR")
    return BackupSettings(
        bucket=_text(env, "BACKUP_S3_BUCKET"),
        endpoint=_text(env, "BACKUP_S3_ENDPOINT").rstrip("/"),
        region=_text(env, "BACKUP_S3_REGION", "us-east-1"),
        access_key_id=_text(env, "BACKUP_S3_ACCESS_KEY_ID"),
        secret_access_key=_text(env, "BACKUP_S3_SECRET_ACCESS_KEY"),
        path_style=_text(env, "BACKUP_S3_FORCE_PATH_STYLE").lower() in _TRUE,
        prefix=_prefix(env.get("BACKUP_S3_PREFIX", DEFAULT_PREFIX)),
        pg_bin_dir=Path(bin_dir) if bin_dir else None,
        **{field: _positive(env, name) for name, field in _FIELDS.items()},
    )


def require_backup(backup: BackupSettings, database_url: str) -> None:
    """Raise InvalidInput naming everything ``kirbygen backup`` misses."""
    problems: list[str] = []
    if urlsplit(database_url).scheme not in ("postgres", "postgresql"):
        problems.append("DATABASE_URL must be a postgres:// or postgresql:// URL")
    missing = [
        name
        for name, value in (
            ("BACKUP_S3_BUCKET", backup.bucket),
            ("BACKUP_S3_ACCESS_KEY_ID", backup.access_key_id),
            ("BACKUP_S3_SECRET_ACCESS_KEY", backup.secret_access_key),
        )
        if not value
    ]
    if missing:
        problems.append(f"set {', '.join(missing)}")
    if backup.endpoint and urlsplit(backup.endpoint).scheme not in ("http", "https"):
        problems.append(f"BACKUP_S3_ENDPOINT must be an http(s) URL, got {backup.endpoint!r}")
    if problems:
        raise InvalidInput("backup needs: " + "; ".join(problems), code="invalid_settings")
