"""Settings of versioning (git) and deployments (local, Render, S3), read from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from domain.errors import InvalidInput

RENDER_API_URL = "https://api.render.com/v1"
DEPLOY_TARGETS = ("local", "render", "s3")
RENDER_SERVICE_KINDS = ("static", "kirby")


@attrs.frozen
class GitSettings:
    # Where each project's site repository lives (``<dir>/<project id>.git``); empty = data dir.
    repos_dir: Path | None = None
    # A remote URL, or a template with ``{project}`` (the project's id) for one per project.
    remote_url: str = ""
    # Credentials for an HTTPS remote, given to git through a credential helper (never in
    # the URL, a log or the API).
    username: str = ""
    password: str = attrs.field(default="", repr=False)
    branch: str = "main"
    author_name: str = "Kirby-Gen"
    author_email: str = "kirbygen@localhost"
    # Largest diff text answered by the API and the CLI.
    max_diff_bytes: int = 1024 * 1024

    def remote_for(self, project: str) -> str:
        return self.remote_url.replace("{project}", project) if self.remote_url else ""


@attrs.frozen
class RenderSettings:
    api_key: str = attrs.field(default="", repr=False)
    api_url: str = RENDER_API_URL
    owner_id: str = ""
    # What a Render deployment runs: the static export, or the Kirby site (Docker, with a disk).
    service: str = "static"
    region: str = "oregon"
    plan: str = "starter"
    poll_seconds: float = 5.0
    timeout_seconds: float = 1200.0
    # How often a request that is safe to repeat (GET, or a 429) is tried.
    max_attempts: int = 4


@attrs.frozen
class S3SiteSettings:
    bucket: str = ""
    endpoint: str = ""
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = attrs.field(default="", repr=False)
    force_path_style: bool = False
    # The folder in the bucket; empty = the site's slug.
    prefix: str = ""
    # The address the bucket's files are served from (a website endpoint or CDN); empty = the
    # S3 endpoint's own path-style address.
    public_url: str = ""
    # Pages are revalidated on every visit; assets keep their names across versions (they
    # are not fingerprinted), so they are cached for a short while only.
    page_cache_control: str = "no-cache"
    asset_cache_control: str = "public, max-age=3600"


@attrs.frozen
class DeploySettings:
    target: str = "local"
    git: GitSettings = GitSettings()
    render: RenderSettings = RenderSettings()
    s3: S3SiteSettings = S3SiteSettings()
    # The Kirby core a local deployment copies in as ``kirby/`` to run the site with PHP.
    kirby_core: Path = Path("../shared/kirby")
    php_binary: str = "php"
    # The local target's server binds here (loopback only).
    local_host: str = "127.0.0.1"


def _text(env: Mapping[str, str], name: str, default: str = "") -> str:
    return (env.get(name) or default).strip()


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _text(env, name, default).lower()
    if value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = _text(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, got {raw}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return _text(env, name).lower() in ("1", "true", "yes", "on")


def load_deploy_settings(env: Mapping[str, str]) -> DeploySettings:
    repos = _text(env, "KIRBYGEN_GIT_DIR")
    git = GitSettings(
        repos_dir=Path(repos) if repos else None,
        remote_url=_text(env, "GIT_REMOTE_URL"),
        username=_text(env, "GIT_USERNAME"),
        password=env.get("GIT_PASSWORD", "") or env.get("GIT_TOKEN", ""),
        branch=_text(env, "GIT_BRANCH", "main"),
        author_name=_text(env, "GIT_AUTHOR_NAME", "Kirby-Gen"),
        author_email=_text(env, "GIT_AUTHOR_EMAIL", "kirbygen@localhost"),
        max_diff_bytes=int(_number(env, "KIRBYGEN_MAX_DIFF_BYTES", 1024 * 1024)),
    )
    render = RenderSettings(
        api_key=_text(env, "RENDER_API_KEY"),
        api_url=_text(env, "RENDER_API_URL", RENDER_API_URL).rstrip("/"),
        owner_id=_text(env, "RENDER_OWNER_ID"),
        service=_choice(env, "RENDER_SERVICE_KIND", RENDER_SERVICE_KINDS, "static"),
        region=_text(env, "RENDER_REGION", "oregon"),
        plan=_text(env, "RENDER_PLAN", "starter"),
        poll_seconds=_number(env, "RENDER_POLL_SECONDS", 5.0),
        timeout_seconds=_number(env, "RENDER_DEPLOY_TIMEOUT_SECONDS", 1200.0),
        max_attempts=int(_number(env, "RENDER_MAX_ATTEMPTS", 4)),
    )

    # The bucket a site is published to is its own (S3_SITE_*), falling back to the storage
    # bucket's settings (S3_*) when the same server and keys serve both.
    def site_or_storage(name: str, default: str = "") -> str:
        return _text(env, f"S3_SITE_{name}") or _text(env, f"S3_{name}", default)

    s3 = S3SiteSettings(
        bucket=site_or_storage("BUCKET"),
        endpoint=site_or_storage("ENDPOINT"),
        region=site_or_storage("REGION", "us-east-1"),
        access_key_id=site_or_storage("ACCESS_KEY_ID"),
        secret_access_key=site_or_storage("SECRET_ACCESS_KEY"),
        force_path_style=_flag(env, "S3_SITE_FORCE_PATH_STYLE")
        or _flag(env, "S3_FORCE_PATH_STYLE"),
        prefix=_text(env, "S3_SITE_PREFIX").strip("/"),
        public_url=_text(env, "S3_SITE_PUBLIC_URL").rstrip("/"),
    )
    return DeploySettings(
        target=_choice(env, "DEPLOY_TYPE", DEPLOY_TARGETS, "local"),
        git=git,
        render=render,
        s3=s3,
        kirby_core=Path(_text(env, "KIRBYGEN_KIRBY_CORE", "../shared/kirby")),
        php_binary=_text(env, "KIRBYGEN_PHP", "php"),
    )
