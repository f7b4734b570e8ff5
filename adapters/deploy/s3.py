"""The S3 target: the static export, uploaded to a bucket prefix in an order that never
breaks a page a visitor is looking at.

Order: first every new or changed file that is not a page (stylesheets, images — what pages
use), then pages that did not exist before (nothing links to them yet), then changed pages
(which may now link to the new ones), and files that no longer exist are deleted last, once
no uploaded page links to them. Unchanged files (same MD5 as the stored ETag) are skipped.

The boto3 client is built like the storage adapter's, from the deployment's own settings: the
bucket that serves a site is public, unlike the private bucket that holds uploads.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.s3.storage import S3Options
from adapters.s3.storage import make_client as make_s3_client
from application.deployments import DeployFailed
from config.deploy_settings import S3SiteSettings
from domain.ports import DeployProgress, DeployResult, SiteBundle
from domain.project import Deployment

PAGE_SUFFIXES = (".html", ".htm")
# Types the export writes, with a charset for text; anything else goes by ``mimetypes``.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
_DELETE_BATCH = 1000


def content_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def make_client(settings: S3SiteSettings) -> Any:
    """A boto3 client for the site's bucket, built the way the storage adapter builds its own
    (only the given credentials, path-style addressing when asked)."""
    return make_s3_client(
        S3Options(
            bucket=settings.bucket,
            region=settings.region,
            access_key_id=settings.access_key_id,
            secret_access_key=settings.secret_access_key,
            endpoint=settings.endpoint,
            path_style=settings.force_path_style,
        )
    )


def _is_page(path: str) -> bool:
    return path.lower().endswith(PAGE_SUFFIXES)


class S3SiteDeployer:
    target = "s3"

    def __init__(self, settings: S3SiteSettings, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client

    def deploy(
        self,
        deployment_id: str,
        bundle: SiteBundle,
        previous: Deployment | None,
        progress: DeployProgress,
    ) -> DeployResult:
        s = self._settings
        if not s.bucket:
            raise DeployFailed(
                "set S3_SITE_BUCKET (or S3_BUCKET) to deploy to S3", code="s3_not_configured"
            )
        if not (bundle.static / "index.html").is_file():
            raise DeployFailed(
                f"there is no static export in {bundle.static} (index.html is missing)",
                code="no_static_export",
            )
        prefix = (s.prefix or bundle.name).strip("/") + "/"
        client = self._client or make_client(s)
        try:
            self._sync(client, bundle.static, prefix, progress)
        except (ClientError, BotoCoreError) as exc:
            raise DeployFailed(
                f"S3 refused the upload to bucket {s.bucket!r}: {exc}", code="s3_failed"
            ) from None
        return DeployResult(self.url(prefix), f"s3://{s.bucket}/{prefix}")

    def rollback(
        self, deployment_id: str, to: Deployment, progress: DeployProgress
    ) -> DeployResult:
        raise DeployFailed(
            "an S3 deployment is rolled back by deploying the earlier version again",
            code="not_rollbackable",
        )

    def stop(self, deployment: Deployment) -> None:
        """A bucket keeps serving what was uploaded; a later deployment replaces it."""

    def url(self, prefix: str) -> str:
        s = self._settings
        if s.public_url:
            return f"{s.public_url}/{prefix}index.html"
        if s.endpoint:
            base = s.endpoint.rstrip("/")
            if s.force_path_style:
                return f"{base}/{s.bucket}/{prefix}index.html"
            scheme, _, host = base.partition("://")
            return f"{scheme}://{s.bucket}.{host}/{prefix}index.html"
        return f"https://{s.bucket}.s3.{s.region}.amazonaws.com/{prefix}index.html"

    # --- the upload -------------------------------------------------------------------------

    def _sync(self, client: Any, root: Path, prefix: str, progress: DeployProgress) -> None:
        bucket = self._settings.bucket
        stored = self._stored(client, prefix)
        local = {
            path.relative_to(root).as_posix(): path
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        }
        changed = {
            rel: path
            for rel, path in local.items()
            if stored.get(prefix + rel) != hashlib.md5(path.read_bytes()).hexdigest()
        }
        assets = [r for r in changed if not _is_page(r)]
        new_pages = [r for r in changed if _is_page(r) and prefix + r not in stored]
        old_pages = [r for r in changed if _is_page(r) and prefix + r in stored]
        gone = sorted(k for k in stored if k[len(prefix) :] not in local)
        total = max(1, len(changed) + len(gone))
        done = 0
        for group in (assets, new_pages, old_pages):
            for rel in group:
                self._put(client, bucket, prefix + rel, changed[rel], _is_page(rel))
                done += 1
            progress(10 + 80 * done // total, f"uploaded {done} of {len(changed)} changed files")
        for start in range(0, len(gone), _DELETE_BATCH):
            batch = gone[start : start + _DELETE_BATCH]
            client.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
            )
        skipped = len(local) - len(changed)
        progress(95, f"{len(changed)} files uploaded, {skipped} unchanged, {len(gone)} deleted")

    def _put(self, client: Any, bucket: str, key: str, path: Path, page: bool) -> None:
        s = self._settings
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(key),
            CacheControl=s.page_cache_control if page else s.asset_cache_control,
        )

    def _stored(self, client: Any, prefix: str) -> dict[str, str]:
        """Keys under ``prefix`` and their MD5 (the ETag of a single-part upload)."""
        found: dict[str, str] = {}
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self._settings.bucket, Prefix=prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                found[item["Key"]] = str(item.get("ETag", "")).strip('"')
        return found
