"""The API's secrets: required in production, generated once and kept locally otherwise.

Locally the generated values live in ``<data dir>/secrets.json`` (readable by the owner only),
so access tokens and login sessions survive a restart of ``kirbygen serve``.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
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
    """The kept secrets; made (atomically, owner-only) when the file does not exist yet.

    A file that exists but cannot be used is an error, never replaced: new secrets would end
    every login session, so that is for the owner to choose."""
    try:
        return _read_kept(path)
    except FileNotFoundError:
        pass
    fresh = {name: secrets.token_urlsafe(48) for name in _NAMES}
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
            json.dump(fresh, handle)
            handle.flush()
            os.fsync(handle.fileno())
        # A link never replaces: when another process made the file meanwhile, its secrets win.
        os.link(temp, path)
    except FileExistsError:
        return _read_kept(path)
    finally:
        os.unlink(temp)
    return fresh


def _read_kept(path: Path) -> dict[str, str]:
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise _unusable(path, "is not a file")
        if mode & 0o077:
            raise _unusable(
                path,
                f"can be read by other users (mode {stat.S_IMODE(mode):o})",
                f"run `chmod 600 {path}`",
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _unusable(path, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise _unusable(path, "is corrupt (not UTF-8 text)") from None
    try:
        stored = json.loads(text)
    except ValueError:
        raise _unusable(path, "is corrupt (not valid JSON)") from None
    if not isinstance(stored, dict):
        raise _unusable(path, "is corrupt (not a JSON object)")
    bad = [name for name in _NAMES if not isinstance(stored.get(name), str) or not stored[name]]
    if bad:
        raise _unusable(path, f"is corrupt ({', '.join(bad)} missing or empty)")
    return {name: stored[name] for name in _NAMES}


def _unusable(path: Path, problem: str, fix: str = "") -> InvalidInput:
    start_over = (
        "delete it to start over (new secrets are made at the next start and every login "
        "session ends), or set JWT_SECRET and SESSION_SECRET"
    )
    return InvalidInput(
        f"the local secrets file {path} {problem}: {fix + ', or ' if fix else ''}{start_over}",
        code="secrets_file_unusable",
    )
