"""``kirbygen deploy SITE``: the local target prints its URL first and serves the site until
SIGTERM; the S3 target builds the export itself and prints the URL last (or the record with
--json); ``kirbygen versions SITE`` lists what was deployed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

from adapters.deploy.s3 import make_client
from config.deploy_settings import S3SiteSettings
from entrypoints.cli import main as cli
from tests.support.git_tool import require_git
from tests.support.real_kirby import require_real_kirby

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-deploy") / "site"
    code = cli(["generate", str(ROOT / "examples" / "material"), "--out", str(out),
                "--name", "Mara Lindqvist"])  # fmt: skip
    assert code == 0
    return out


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "GIT_", "RENDER_"))}
    return env | {"KIRBYGEN_DATA_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"} | extra


def test_local_deploy_prints_its_url_first_and_serves_until_sigterm(
    site: Path, tmp_path: Path
) -> None:
    require_git()
    core = require_real_kirby()
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "deploy", str(site), "--target", "local"],
        cwd=ROOT,
        env=_env(tmp_path, KIRBYGEN_KIRBY_CORE=str(core)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and "Mara Lindqvist" in response.read().decode()
        kirby = process.stdout.readline().strip()
        assert kirby.startswith("Kirby site: http://127.0.0.1:"), kirby
        kirby_url = kirby.split()[2]
        with urllib.request.urlopen(kirby_url, timeout=20) as response:
            assert response.status == 200 and "Mara Lindqvist" in response.read().decode()
        assert (site / "kirby").is_dir() and not (site / "kirby").is_symlink()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert not (site / "kirby").exists()  # the copied core goes with the server
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_s3_deploy_builds_the_export_and_prints_the_url_last(
    site: Path, tmp_path: Path, s3_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    require_git()
    bucket = f"kirbygen-cli-{uuid.uuid4().hex[:10]}"
    settings = S3SiteSettings(bucket=bucket, endpoint=s3_endpoint, access_key_id="test",
                              secret_access_key="test", force_path_style=True)  # fmt: skip
    make_client(settings).create_bucket(Bucket=bucket)
    env = {"S3_SITE_BUCKET": bucket, "S3_SITE_ENDPOINT": s3_endpoint,
           "S3_SITE_ACCESS_KEY_ID": "test", "S3_SITE_SECRET_ACCESS_KEY": "test",
           "S3_FORCE_PATH_STYLE": "true",
           "KIRBYGEN_DATA_DIR": str(tmp_path / "var")}  # fmt: skip
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        assert cli(["deploy", str(site), "--target", "s3"]) == 0
        out = capsys.readouterr().out.strip().splitlines()
        assert out[-1] == f"{s3_endpoint}/{bucket}/mara-lindqvist/index.html"
        assert (site / ".kirbygen" / "public" / "index.html").is_file()

        assert cli(["deploy", str(site), "--target", "s3", "--json"]) == 0
        record = json.loads(capsys.readouterr().out)
        assert record["status"] == "live" and record["target"] == "s3"
        assert record["url"] == out[-1] and record["commit"]

        assert cli(["versions", str(site), "--json"]) == 0
        history = json.loads(capsys.readouterr().out)["items"]
        assert len(history) == 1  # nothing changed between the two deploys
        assert history[0]["commit"] == record["commit"]

        assert cli(["deploy", str(site), "--target", "s3", "--rollback", "x"]) == 2
        assert cli(["deploy", str(tmp_path), "--target", "s3"]) == 2
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
