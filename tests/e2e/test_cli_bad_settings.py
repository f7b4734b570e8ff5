"""A bad setting stops every command with one line naming it and what is allowed: exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import EXAMPLE, Kirbygen

COMMANDS = {
    "generate": ["generate", str(EXAMPLE), "--out", "site"],
    "check": ["check", "."],
    "plugins": ["plugins"],
    "serve": ["serve", "--host", "127.0.0.1", "--port", "9"],
    "worker": ["worker"],
    "db": ["db", "upgrade"],
}
BAD = {
    "LOG_LEVEL": ("verbose", "debug, info, warning, error, critical"),
    "LOG_FORMAT": ("xml", "text, json"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_log_setting_is_one_line_and_exit_code_2(
    kirbygen: Kirbygen, tmp_path: Path, command: str, name: str
) -> None:
    value, allowed = BAD[name]
    result = kirbygen(*COMMANDS[command], env={name: value, "QUEUE_URL": "redis://127.0.0.1:1"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines() == [
        f"kirbygen: invalid settings (APP_ENV=local): {name} must be one of {allowed}, "
        f"got {value!r}"
    ]
    assert not (tmp_path / "site").exists() and not (tmp_path / "var").exists()


def test_a_bad_sentry_dsn_stops_the_start(kirbygen: Kirbygen) -> None:
    result = kirbygen("plugins", env={"SENTRY_DSN": "https://sentry.example/1"})
    assert result.returncode == 2
    assert result.stderr.startswith(
        "kirbygen: invalid settings (APP_ENV=local): SENTRY_DSN must look like https://"
    )
    assert len(result.stderr.splitlines()) == 1
