"""LOG_LEVEL, LOG_FORMAT and SENTRY_DSN: read, checked, and refused with a clear message."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from domain.errors import InvalidInput


def test_log_settings_default_to_info_text_and_no_sentry() -> None:
    settings = load_settings({})
    assert (settings.log_level, settings.log_format, settings.sentry_dsn) == ("INFO", "text", "")


def test_log_settings_are_read_whatever_their_case() -> None:
    settings = load_settings({"LOG_LEVEL": "Debug", "LOG_FORMAT": "JSON"})
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("LOG_LEVEL", "verbose", "debug, info, warning, error, critical"),
        ("LOG_FORMAT", "xml", "text, json"),
    ],
)
def test_a_bad_log_setting_names_itself_and_the_allowed_values(
    name: str, value: str, allowed: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        load_settings({name: value})
    assert refused.value.message == (
        f"invalid settings (APP_ENV=local): {name} must be one of {allowed}, got {value!r}"
    )


def test_a_good_sentry_dsn_is_kept() -> None:
    dsn = "https://0123abcd@o1.ingest.sentry.io/4501"
    assert load_settings({"SENTRY_DSN": f" {dsn} "}).sentry_dsn == dsn


@pytest.mark.parametrize(
    "dsn",
    [
        "sentry.io/123",  # no scheme
        "ftp://key@sentry.example/1",  # not http(s)
        "https://sentry.example/1",  # no public key
        "https://key@sentry.example/project",  # the project is not a number
        "https://key@sentry.example/1/",  # nor is an empty last segment
        "https://key@sentry.example:port/1",  # a port that is not a number
    ],
)
def test_a_bad_sentry_dsn_is_one_clear_problem_that_does_not_echo_the_key(dsn: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        load_settings({"SENTRY_DSN": dsn})
    message = refused.value.message
    assert message.startswith("invalid settings (APP_ENV=local): SENTRY_DSN must look like")
    assert "\n" not in message and dsn not in message
