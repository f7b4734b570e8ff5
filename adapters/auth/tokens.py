"""Access tokens as HS256 JSON Web Tokens (PyJWT), short-lived, naming the user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt

from domain.ports import Clock
from domain.refusals import Unauthenticated

ISSUER = "kirbygen"
AUDIENCE = "kirbygen-api"
PREVIEW_AUDIENCE = "kirbygen-preview"
ALGORITHM = "HS256"


def _check_expiry(claims: dict[str, Any], clock: Clock) -> None:
    """PyJWT compares "exp" (and "iat", "nbf") with the system time, so its time checks are
    off and expiry is checked here against the injected clock (tests need not sleep)."""
    expires = claims.get("exp")
    if not isinstance(expires, int) or isinstance(expires, bool):
        raise jwt.InvalidTokenError("exp is not an integer")
    if expires <= clock.now().timestamp():
        raise jwt.ExpiredSignatureError("the token has expired")


class _JwtSigner:
    """HS256 tokens for one audience, signed with ``JWT_SECRET``; expiry from the injected clock."""

    audience = ""

    def __init__(self, secret: str, *, lifetime_seconds: int, clock: Clock) -> None:
        if not secret:
            raise ValueError("JWT_SECRET is empty")
        self._secret = secret
        self._lifetime = lifetime_seconds
        self._clock = clock

    def _sign(self, claims: dict[str, Any]) -> tuple[str, int]:
        now = self._clock.now()
        claims = {
            **claims,
            "iat": now,
            "exp": now + timedelta(seconds=self._lifetime),
            "iss": ISSUER,
            "aud": self.audience,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), self._lifetime

    def _claims(self, token: str, required: list[str]) -> dict[str, Any]:
        """The verified claims; raises PyJWT's errors (ExpiredSignatureError when expired)."""
        claims: dict[str, Any] = jwt.decode(
            token,
            self._secret,
            algorithms=[ALGORITHM],
            audience=self.audience,
            issuer=ISSUER,
            options={
                "require": required,
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
        _check_expiry(claims, self._clock)
        return claims


class JwtAccessTokens(_JwtSigner):
    """``AccessTokens`` signed with ``JWT_SECRET``; expiry comes from the injected clock."""

    audience = AUDIENCE

    def issue(self, user_id: str) -> tuple[str, int]:
        return self._sign({"sub": user_id})

    def verify(self, token: str) -> str:
        try:
            claims = self._claims(token, ["sub", "exp", "iat"])
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired; refresh it") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the access token is not valid") from None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("the access token names no user")
        return subject


class JwtPreviewTokens(_JwtSigner):
    """``PreviewTokens`` as HS256 JSON Web Tokens with their own audience, so an access token
    never opens a preview and a preview token never calls the API."""

    audience = PREVIEW_AUDIENCE

    def issue(self, project_id: str, user_id: str) -> tuple[str, int]:
        return self._sign({"sub": user_id, "prj": project_id})

    def verify(self, token: str, project_id: str) -> str:
        try:
            claims = self._claims(token, ["sub", "prj", "exp", "iat"])
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the preview link has expired; open the preview again") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the preview link is not valid") from None
        subject = claims.get("sub")
        if claims.get("prj") != project_id or not isinstance(subject, str) or not subject:
            raise Unauthenticated("the preview link is not valid for this project")
        return subject
