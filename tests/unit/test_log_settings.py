"""LOG_LEVEL and LOG_FORMAT: read, checked, and refused with a clear message."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from domain.errors import InvalidInput


def test_log_settings_default_to_info_text_and_no_sentry() -> None:
    settings = load_settings({})
    assert (settings.log_level, settings.log_format) == ("INFO", "text")


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
