"""Access tokens as HS256 JSON Web Tokens (PyJWT), short-lived, naming the user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt

from domain.accounts import AccessClaims
from domain.ports import Clock
from domain.refusals import Unauthenticated

ISSUER = "kirbygen"
AUDIENCE = "kirbygen-api"
PREVIEW_AUDIENCE = "kirbygen-preview"
ALGORITHM = "HS256"


# Tolerated difference between the clocks of the processes that issue and check tokens.
CLOCK_SKEW_SECONDS = 30
# Tokens whose signature, issuer and audience were checked, kept per signer so that a client
# repeating its token is not decoded and verified again on every request (that was a fifth
# of an authenticated read). Their times are still checked each time; forgotten all at once
# when full, so the memory stays bounded (a token is a few hundred bytes).
VERIFIED_CACHE_ENTRIES = 2048


def _timestamp(claims: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise jwt.InvalidTokenError(f"{name} is not an integer")
    return value


def _check_times(claims: dict[str, Any], clock: Clock) -> None:
    """PyJWT compares "exp", "iat" and "nbf" with the system time, so its time checks are
    off and they are checked here against the injected clock (tests need not sleep): expired,
    not valid yet, or issued in the future (beyond the tolerated skew) is refused."""
    now = clock.now().timestamp()
    expires = _timestamp(claims, "exp", required=True)
    assert expires is not None
    if expires <= now:
        raise jwt.ExpiredSignatureError("the token has expired")
    issued = _timestamp(claims, "iat", required=True)
    assert issued is not None
    if issued > now + CLOCK_SKEW_SECONDS:
        raise jwt.ImmatureSignatureError("the token was issued in the future")
    not_before = _timestamp(claims, "nbf", required=False)
    if not_before is not None and not_before > now + CLOCK_SKEW_SECONDS:
        raise jwt.ImmatureSignatureError("the token is not valid yet")


class _JwtSigner:
    """HS256 tokens for one audience, signed with ``JWT_SECRET``; expiry from the injected clock."""

    audience = ""

    def __init__(self, secret: str, *, lifetime_seconds: int, clock: Clock) -> None:
        if not secret:
            raise ValueError("JWT_SECRET is empty")
        self._secret = secret
        self._lifetime = lifetime_seconds
        self._clock = clock
        self._verified: dict[str, dict[str, Any]] = {}

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
        claims = self._verified.get(token)
        if claims is None:
            claims = self._decode(token, required)
            if len(self._verified) >= VERIFIED_CACHE_ENTRIES:
                self._verified.clear()
            self._verified[token] = claims
        _check_times(claims, self._clock)
        return claims

    def _decode(self, token: str, required: list[str]) -> dict[str, Any]:
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
        return claims


class JwtAccessTokens(_JwtSigner):
    """``AccessTokens`` signed with ``JWT_SECRET``; expiry comes from the injected clock."""

    audience = AUDIENCE

    def issue(self, user_id: str, version: int = 0) -> tuple[str, int]:
        return self._sign({"sub": user_id, "ver": version})

    def verify(self, token: str) -> AccessClaims:
        try:
            claims = self._claims(token, ["sub", "exp", "iat", "ver"])
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired; refresh it") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the access token is not valid") from None
        subject = claims.get("sub")
        version = claims.get("ver")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("the access token names no user")
        if not isinstance(version, int) or isinstance(version, bool):
            raise Unauthenticated("the access token is not valid")
        return AccessClaims(subject, version)


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
