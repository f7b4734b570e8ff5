"""The S3 target against moto's S3 server on loopback: content types and cache headers, and a
reader crawling the site during a second deployment never finds a page whose links or assets
are missing."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest

from adapters.deploy.s3 import S3SiteDeployer, make_client
from application.deployments import PublishSite
from config.deploy_settings import S3SiteSettings
from domain.ports import SiteBundle
from domain.project import Deployment
from entrypoints.cli import main as cli
from tests.fakes import FakeDeploymentRepository, FixedClock

T0 = datetime(2026, 11, 27, 12, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"""(?:href|src)="([^"#?]+)""")


@pytest.fixture
def settings(s3_endpoint: str) -> S3SiteSettings:
    bucket = f"kirbygen-site-{uuid.uuid4().hex[:12]}"
    found = S3SiteSettings(
        bucket=bucket,
        endpoint=s3_endpoint,
        region="us-east-1",
        access_key_id="test",
        secret_access_key="test",
        force_path_style=True,
    )
    client = make_client(found)
    client.create_bucket(Bucket=bucket)
    # A bucket that serves a site lets anyone read it (set up once by its operator).
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket}/*"}],
    }  # fmt: skip
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return found


def _deploy(settings: S3SiteSettings, static: Path, n: int) -> Deployment:
    records = FakeDeploymentRepository()
    deployment = Deployment(f"d{n}", "p1", "s3", "", "queued", T0, commit=None)
    records.add_deployment(deployment)
    publish = PublishSite(
        deployers={"s3": S3SiteDeployer(settings)}, records=records, clock=FixedClock(T0)
    )
    return publish(deployment, SiteBundle("mara", "Mara", static.parent, static))


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, response.read(), headers
    except urllib.error.HTTPError as error:
        return error.code, b"", {k.lower(): v for k, v in error.headers.items()}


def test_pages_and_assets_have_their_content_types(
    settings: S3SiteSettings, tmp_path: Path
) -> None:
    site, static = tmp_path / "site", tmp_path / "public"
    code = cli(["generate", str(ROOT / "examples" / "material"), "--out", str(site),
                "--static-out", str(static), "--name", "Mara Lindqvist"])  # fmt: skip
    assert code == 0
    done = _deploy(settings, static, 1)
    assert done.status == "live", done.error
    assert done.url == f"{settings.endpoint}/{settings.bucket}/mara/index.html"
    files = [p for p in static.rglob("*") if p.is_file() and not p.name.startswith(".")]
    kinds = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
             ".jpg": "image/jpeg", ".png": "image/png", ".svg": "image/svg+xml"}  # fmt: skip
    assert {p.suffix for p in files} >= {".html", ".css"}
    for path in files:
        rel = path.relative_to(static).as_posix()
        status, body, headers = _get(f"{settings.endpoint}/{settings.bucket}/mara/{rel}")
        assert status == 200 and body == path.read_bytes(), rel
        if path.suffix in kinds:
            assert headers["content-type"] == kinds[path.suffix], rel
        page = path.suffix == ".html"
        assert headers["cache-control"] == (
            settings.page_cache_control if page else settings.asset_cache_control
        )
    status, body, _ = _get(done.url)
    assert status == 200 and b"Mara Lindqvist" in body

    # Deploying the same export again uploads nothing.
    again = _deploy(settings, static, 2)
    assert again.status == "live"


def _write_site(root: Path, version: int, pages: list[str]) -> None:
    """A site whose home links every page; each page uses a stylesheet and an image whose
    names change with the version (so old ones are deleted), and links to its neighbour."""
    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    (root / "assets").mkdir(parents=True)
    (root / "assets" / f"v{version}.css").write_text(f"body {{ color: #{version}{version}0; }}")
    (root / "media").mkdir()
    for name in pages:
        (root / "media" / f"{name}-v{version}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    css = f'<link rel="stylesheet" href="../assets/v{version}.css">'
    for i, name in enumerate(pages):
        neighbour = pages[(i + 1) % len(pages)]
        (root / name).mkdir()
        (root / name / "index.html").write_text(
            f"<!doctype html><title>{name} v{version}</title>{css}"
            f'<img src="../media/{name}-v{version}.png">'
            f'<a href="../{neighbour}/index.html">next</a><a href="../index.html">home</a>'
        )
    links = "".join(f'<a href="{n}/index.html">{n}</a>' for n in pages)
    (root / "index.html").write_text(
        f'<!doctype html><title>home v{version}</title><link rel="stylesheet" '
        f'href="assets/v{version}.css">{links}'
    )


class Reader(threading.Thread):
    """Crawls the site from its home page until told to stop; records every page it found
    with a missing link or asset — unless the page itself has changed by then (the reader's
    copy was already replaced: loading the page now shows no broken link)."""

    def __init__(self, home: str) -> None:
        super().__init__(daemon=True)
        self.home = home
        self.stop = threading.Event()
        self.broken: list[str] = []
        self.pages_read = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.crawl()

    def crawl(self) -> None:
        seen: set[str] = set()
        queue = [self.home]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            status, body, _ = _get(url)
            if status != 200:
                continue  # a page linked from a stale copy; judged where it was linked
            self.pages_read += 1
            for target in {urljoin(url, link) for link in LINK.findall(body.decode())}:
                if _get(target)[0] != 200 and _get(url)[1] == body:
                    self.broken.append(f"{url} -> {target}")
                if target.endswith(".html"):
                    queue.append(target)


def test_a_reader_never_meets_a_broken_page_during_a_deploy(
    settings: S3SiteSettings, tmp_path: Path
) -> None:
    static = tmp_path / "public"
    first = [f"work-{i:02d}" for i in range(12)]
    _write_site(static, 1, first)
    done = _deploy(settings, static, 1)
    assert done.status == "live", done.error

    # The second version drops four pages, adds six, and renames every asset.
    second = first[4:] + [f"new-{i:02d}" for i in range(6)]
    _write_site(static, 2, second)
    reader = Reader(done.url)
    reader.start()
    time.sleep(0.2)
    redone = _deploy(settings, static, 2)
    time.sleep(0.2)
    reader.stop.set()
    reader.join(timeout=60)
    assert redone.status == "live", redone.error
    assert reader.pages_read > len(first)
    assert reader.broken == []

    # The bucket now holds exactly the second version.
    client = make_client(settings)
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=settings.bucket)["Contents"]}
    expected = {f"mara/{p.relative_to(static).as_posix()}" for p in static.rglob("*")
                if p.is_file()}  # fmt: skip
    assert keys == expected
