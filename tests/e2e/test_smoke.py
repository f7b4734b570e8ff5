"""`kirbygen smoke` against a real `kirbygen serve` on loopback: every step passes and what it
made is gone afterwards; an unreachable API and a failure half-way fail with exit code 1, the
half-way one still cleaning up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from entrypoints.cli import main
from tests.e2e.conftest import Kirbygen
from tests.e2e.processes import free_port, serve

pytestmark = pytest.mark.slow

STEPS = ["health", "ready", "register", "project", "upload", "schema", "run", "events"]
CLEANUP = ["delete project", "delete user"]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[str]:
    env = {"KIRBYGEN_SKILLS": "offline", "KIRBYGEN_DATA_DIR": str(tmp_path / "data")}
    process, base = serve(env, tmp_path / "serve.log")
    try:
        yield base
    finally:
        process.stop()


def _lines(out: str) -> dict[str, str]:
    """Each printed step by name: 'ok', 'FAIL' or 'skip'."""
    found: dict[str, str] = {}
    for line in out.splitlines():
        match = re.match(r"^(ok|FAIL|skip) +([a-z. ]+?)(?::| {2,}|$)", line)
        assert match, f"not a step line: {line!r}"
        found[match.group(2).strip()] = match.group(1)
    return found


def test_every_step_passes_and_nothing_is_left(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["smoke", "--api-url", api + "/"])
    out = capsys.readouterr().out

    assert code == 0, out
    assert _lines(out) == dict.fromkeys([*STEPS, "site.zip", *CLEANUP], "ok")
    assert re.search(r"^ok +health +\d+ ms$", out, re.MULTILINE), out
    assert re.search(r"^ok +site\.zip +\d+ ms +\d+ KiB, \d+ files, \d+ blueprints$", out, re.M)
    # The throwaway account is gone: its address can be registered again.
    email = re.search(r"smoke-[0-9a-f]+@example\.com", out)
    assert email, out
    again = httpx2.post(
        f"{api}/api/auth/register", json={"email": email.group(0), "password": "x" * 16}
    )
    assert again.status_code == 201, again.text


def test_an_unreachable_api_fails_at_once(kirbygen: Kirbygen) -> None:
    dead = f"http://127.0.0.1:{free_port()}"

    result = kirbygen("smoke", env={"API_URL": dead})

    assert result.returncode == 1, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"FAIL health: cannot reach {dead}"), result.stdout
    assert "ok" not in _lines(result.stdout).values()
    assert "Traceback" not in result.stderr


def test_a_failure_half_way_still_cleans_up(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "no-material"
    empty.mkdir()

    code = main(["smoke", "--api-url", api, "--material", str(empty)])
    out = capsys.readouterr().out

    assert code == 1, out
    steps = _lines(out)
    assert [steps[n] for n in ["health", "ready", "register", "project"]] == ["ok"] * 4
    assert steps["upload"] == "FAIL"
    assert f"FAIL upload: no material to upload in {empty}" in out
    assert {steps[n] for n in ["schema", "run", "events", "site.zip"]} == {"skip"}
    assert steps["delete project"] == "ok" and steps["delete user"] == "ok"


def test_usage_mistakes_exit_2(kirbygen: Kirbygen) -> None:
    missing = kirbygen("smoke", env={"API_URL": ""})
    wrong = kirbygen("smoke", "--api-url", "ftp://example.com")

    assert missing.returncode == 2 and "--api-url URL or API_URL" in missing.stderr
    assert wrong.returncode == 2 and "absolute http(s) URL" in wrong.stderr
    assert missing.stdout == wrong.stdout == ""
