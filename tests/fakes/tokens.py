"""Access and preview tokens kept in a dict: a token is valid when it was issued here, is
unchanged and has not expired on the injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from domain.accounts import AccessClaims
from domain.ports import Clock
from domain.refusals import Unauthenticated


@attrs.frozen
class IssuedToken:
    user_id: str
    expires_at: datetime
    project_id: str | None = None
    version: int = 0


class FakeAccessTokens:
    """``AccessTokens``; ``issued`` maps each token handed out to whom and until when."""

    def __init__(self, clock: Clock, *, lifetime_seconds: int = 900) -> None:
        self._clock = clock
        self._lifetime = lifetime_seconds
        self.issued: dict[str, IssuedToken] = {}

    def issue(self, user_id: str, version: int = 0) -> tuple[str, int]:
        token = f"fake-access-{len(self.issued) + 1}-for-{user_id}"
        expires_at = _expiry(self._clock, self._lifetime)
        self.issued[token] = IssuedToken(user_id, expires_at, version=version)
        return token, self._lifetime

    def verify(self, token: str) -> AccessClaims:
        issued = self.issued.get(token)
        if issued is None:
            raise Unauthenticated("the access token is not valid")
        if issued.expires_at <= self._clock.now():
            raise Unauthenticated("the access token has expired; refresh it")
        return AccessClaims(issued.user_id, issued.version)


class FakePreviewTokens:
    """``PreviewTokens``; ``issued`` maps each token to its member, project and expiry."""

    def __init__(self, clock: Clock, *, lifetime_seconds: int = 3600) -> None:
        self._clock = clock
        self._lifetime = lifetime_seconds
        self.issued: dict[str, IssuedToken] = {}

    def issue(self, project_id: str, user_id: str) -> tuple[str, int]:
        token = f"fake-preview-{len(self.issued) + 1}-of-{project_id}"
        expires_at = _expiry(self._clock, self._lifetime)
        self.issued[token] = IssuedToken(user_id, expires_at, project_id)
        return token, self._lifetime

    def verify(self, token: str, project_id: str) -> str:
        issued = self.issued.get(token)
        if issued is None:
            raise Unauthenticated("the preview link is not valid")
        if issued.expires_at <= self._clock.now():
            raise Unauthenticated("the preview link has expired; open the preview again")
        if issued.project_id != project_id:
            raise Unauthenticated("the preview link is not valid for this project")
        return issued.user_id


def _expiry(clock: Clock, lifetime_seconds: int) -> datetime:
    return clock.now() + timedelta(seconds=lifetime_seconds)
