"""Accounts and access: the ports for passwords, access tokens and rate limits, and roles."""

from __future__ import annotations

from typing import Protocol

import attrs

from domain.project import Role

# A member may do what their role or any lower role may do.
_ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


def role_allows(role: Role, needed: Role) -> bool:
    return _ROLE_RANK[role] >= _ROLE_RANK[needed]


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; never raises for a wrong password."""
        ...


@attrs.frozen
class AccessClaims:
    """Who an access token names, and the user's token version it was issued under."""

    user_id: str
    version: int


class AccessTokens(Protocol):
    """Short-lived signed access tokens naming a user."""

    def issue(self, user_id: str, version: int = 0) -> tuple[str, int]:
        """A new token and its lifetime in seconds."""
        ...

    def verify(self, token: str) -> AccessClaims:
        """What the token says; raises Unauthenticated when it is invalid, expired, not yet
        valid, issued in the future or signed with another algorithm. Whether the user still
        exists is the caller's check."""
        ...


class PreviewTokens(Protocol):
    """Signed, short-lived tokens that open one project's preview for one member.

    The preview is shown in an iframe, which cannot send an Authorization header, so the
    token travels in the preview's path; relative links inside the preview keep it.
    """

    def issue(self, project_id: str, user_id: str) -> tuple[str, int]:
        """A new token and its lifetime in seconds."""
        ...

    def verify(self, token: str, project_id: str) -> str:
        """The user id the token was issued to; raises Unauthenticated when the token is
        invalid, expired or made for another project."""
        ...


@attrs.frozen
class RateDecision:
    allowed: bool
    remaining: int
    retry_after_seconds: int


class RateLimiter(Protocol):
    def hit(self, key: str, *, limit: int, window_ms: int) -> RateDecision:
        """Count one request for ``key``; refused once ``limit`` requests fell in the window."""
        ...
