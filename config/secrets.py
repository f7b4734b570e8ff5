"""The API's secrets: required in production, generated once and kept locally otherwise.

Locally the generated values live in ``<data dir>/secrets.json`` (readable by the owner only),
so access tokens and login sessions survive a restart of ``kirbygen serve``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import attrs

from config.settings import AppEnv, Settings
from domain.errors import InvalidInput

SECRETS_FILE = "secrets.json"
_NAMES = {"jwt_secret": "JWT_SECRET", "session_secret": "SESSION_SECRET"}


@attrs.frozen
class Secrets:
    jwt_secret: str
    session_secret: str


def resolve_secrets(settings: Settings) -> Secrets:
    given = {
        "jwt_secret": settings.http.jwt_secret,
        "session_secret": settings.http.session_secret,
    }
    missing = [_NAMES[name] for name, value in given.items() if not value]
    if missing and settings.app_env is AppEnv.PRODUCTION:
        raise InvalidInput("missing required secrets for APP_ENV=production: " + ", ".join(missing))
    if missing:
        kept = _local_secrets(settings.data_dir / SECRETS_FILE)
        given = {name: value or kept[name] for name, value in given.items()}
    return Secrets(**given)


def _local_secrets(path: Path) -> dict[str, str]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if all(isinstance(stored.get(name), str) and stored[name] for name in _NAMES):
            return {name: stored[name] for name in _NAMES}
    except (OSError, ValueError):
        pass
    fresh = {name: secrets.token_urlsafe(48) for name in _NAMES}
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(fresh, handle)
    temp.replace(path)
    return fresh
