"""The settings of `kirbygen backup`: read with the others, required only by the command."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.backup_settings import (
    DEFAULT_KEEP_DAYS,
    BackupSettings,
    load_backup_settings,
    require_backup,
)
from domain.errors import InvalidInput

FULL = {
    "BACKUP_S3_BUCKET": "dumps",
    "BACKUP_S3_ACCESS_KEY_ID": "key",
    "BACKUP_S3_SECRET_ACCESS_KEY": "secret",
}


def test_defaults_and_the_prefix_as_a_folder() -> None:
    settings = load_backup_settings({})
    assert settings == BackupSettings()
    assert settings.keep_days == DEFAULT_KEEP_DAYS
    assert load_backup_settings({"BACKUP_S3_PREFIX": "/a/b"}).prefix == "a/b/"
    assert load_backup_settings({"BACKUP_S3_PREFIX": ""}).prefix == ""
    read = load_backup_settings(FULL | {"BACKUP_PG_BIN_DIR": "/opt/pg/bin",
                                        "BACKUP_S3_FORCE_PATH_STYLE": "yes"})  # fmt: skip
    assert read.pg_bin_dir == Path("/opt/pg/bin") and read.path_style
    assert "secret" not in repr(read)


@pytest.mark.parametrize("raw", ["two", "0", "-3"])
def test_keep_days_must_be_a_positive_whole_number(raw: str) -> None:
    with pytest.raises(InvalidInput, match="BACKUP_KEEP_DAYS"):
        load_backup_settings({"BACKUP_KEEP_DAYS": raw})


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_both_postgres_spellings_are_accepted(scheme: str) -> None:
    require_backup(load_backup_settings(FULL), f"{scheme}://u@db:5432/app")


def test_everything_missing_is_named_at_once() -> None:
    with pytest.raises(InvalidInput) as raised:
        require_backup(load_backup_settings({"BACKUP_S3_ENDPOINT": "minio:9000"}), "sqlite:///x.db")
    assert raised.value.message == (
        "backup needs: DATABASE_URL must be a postgres:// or postgresql:// URL; set "
        "BACKUP_S3_BUCKET, BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY; "
        "BACKUP_S3_ENDPOINT must be an http(s) URL, got 'minio:9000'"
    )
