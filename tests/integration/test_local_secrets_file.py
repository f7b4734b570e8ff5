"""The local secrets file: made once (atomically, owner-only), never silently replaced."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from config.secrets import SECRETS_FILE, resolve_secrets
from config.settings import Settings
from domain.errors import InvalidInput
from tests.e2e.conftest import run_kirbygen


def _resolve(data_dir: Path) -> object:
    return resolve_secrets(Settings(data_dir=data_dir))


def test_a_missing_file_is_made_owner_only_and_read_back(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    first = _resolve(data)
    path = data / SECRETS_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert _resolve(data) == first
    assert [p.name for p in data.iterdir()] == [SECRETS_FILE]  # no temporary file left


def test_processes_starting_together_agree_on_one_set_of_secrets(tmp_path: Path) -> None:
    results: list[object] = []
    lock = threading.Lock()

    def start() -> None:
        found = _resolve(tmp_path)
        with lock:
            results.append(found)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r == results[0] for r in results)


CORRUPT = {
    "not JSON": (b'{"jwt_secret": ', "is corrupt (not valid JSON)"),
    "not an object": (b'["a", "b"]', "is corrupt (not a JSON object)"),
    "a secret missing": (
        json.dumps({"jwt_secret": "x" * 64}).encode(),
        "is corrupt (session_secret missing or empty)",
    ),
    "an empty secret": (
        json.dumps({"jwt_secret": "", "session_secret": 5}).encode(),
        "is corrupt (jwt_secret, session_secret missing or empty)",
    ),
    "not UTF-8": (b"\xff\xfe\x00", "is corrupt (not UTF-8 text)"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_file_is_an_error_and_is_left_as_it_is(tmp_path: Path, kind: str) -> None:
    data, problem = CORRUPT[kind]
    path = tmp_path / SECRETS_FILE
    path.write_bytes(data)
    path.chmod(0o600)
    with pytest.raises(InvalidInput) as refused:
        _resolve(tmp_path)
    message = refused.value.message
    assert message.startswith(f"the local secrets file {path} {problem}: delete it to start over")
    assert "every login session ends" in message and "\n" not in message
    assert path.read_bytes() == data


def test_a_file_others_can_read_is_refused_with_the_command_that_fixes_it(tmp_path: Path) -> None:
    _resolve(tmp_path)
    path = tmp_path / SECRETS_FILE
    kept = path.read_bytes()
    path.chmod(0o644)
    with pytest.raises(InvalidInput) as refused:
        _resolve(tmp_path)
    assert f"can be read by other users (mode 644): run `chmod 600 {path}`" in refused.value.message
    assert path.read_bytes() == kept


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / SECRETS_FILE
    path.symlink_to(path)  # a link to itself: every read fails (the tests may run as root)
    with pytest.raises(InvalidInput) as refused:
        _resolve(tmp_path)
    assert f"the local secrets file {path} cannot be read (" in refused.value.message
    assert path.is_symlink()


def test_a_folder_in_the_files_place_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRETS_FILE).mkdir()
    with pytest.raises(InvalidInput, match=r"secrets\.json is not a file: delete it"):
        _resolve(tmp_path)


def test_kirbygen_serve_stops_with_one_line_on_a_corrupt_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / SECRETS_FILE
    path.write_text('{"jwt_secret": ')
    path.chmod(0o600)
    result = run_kirbygen(
        "serve", "--host", "127.0.0.1", "--port", "9", cwd=tmp_path,
        env={"KIRBYGEN_DATA_DIR": str(data), "LOG_LEVEL": "warning"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"kirbygen: the local secrets file {path} is corrupt (not valid JSON): delete it to "
        "start over (new secrets are made at the next start and every login session ends), "
        "or set JWT_SECRET and SESSION_SECRET"
    ]
    assert path.read_text() == '{"jwt_secret": '
