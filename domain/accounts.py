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


class AccessTokens(Protocol):
    """Short-lived signed access tokens naming a user."""

    def issue(self, user_id: str) -> tuple[str, int]:
        """A new token and its lifetime in seconds."""
        ...

    def verify(self, token: str) -> str:
        """The user id the token names; raises Unauthenticated when invalid or expired."""
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
