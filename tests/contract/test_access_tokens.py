"""Contract of the ``AccessTokens`` port: the fake and the JWT adapter.

Expiry is tested by moving an injected clock past the lifetime, never by sleeping.
"""

from __future__ import annotations

import base64
import warnings

import jwt
import pytest

from adapters.auth.tokens import JwtAccessTokens
from domain.accounts import AccessClaims, AccessTokens
from domain.refusals import Unauthenticated
from tests.fakes import FakeAccessTokens, FixedClock

SECRET = "test-jwt-secret-that-is-long-enough-for-hs256"
LIFETIME = 900


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(params=["fake", "jwt"])
def tokens(request: pytest.FixtureRequest, clock: FixedClock) -> AccessTokens:
    if request.param == "fake":
        return FakeAccessTokens(clock, lifetime_seconds=LIFETIME)
    return JwtAccessTokens(SECRET, lifetime_seconds=LIFETIME, clock=clock)


def test_a_token_names_the_user_it_was_issued_to(tokens: AccessTokens) -> None:
    token, lifetime = tokens.issue("user-1")
    assert isinstance(token, str) and token
    assert lifetime == LIFETIME
    assert tokens.verify(token).user_id == "user-1"


def test_tokens_of_different_users_differ(tokens: AccessTokens) -> None:
    first, _ = tokens.issue("user-1")
    second, _ = tokens.issue("user-2")
    assert first != second
    assert (tokens.verify(first).user_id, tokens.verify(second).user_id) == ("user-1", "user-2")


def test_a_token_is_valid_until_its_lifetime_has_passed(
    tokens: AccessTokens, clock: FixedClock
) -> None:
    token, lifetime = tokens.issue("user-1")
    clock.advance(seconds=lifetime - 1)
    assert tokens.verify(token).user_id == "user-1"
    clock.advance(seconds=1)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.verify(token)


def test_an_expired_token_stays_expired(tokens: AccessTokens, clock: FixedClock) -> None:
    token, lifetime = tokens.issue("user-1")
    clock.advance(seconds=lifetime * 100)
    with pytest.raises(Unauthenticated):
        tokens.verify(token)


def test_a_token_issued_later_outlives_an_earlier_one(
    tokens: AccessTokens, clock: FixedClock
) -> None:
    early, lifetime = tokens.issue("user-1")
    clock.advance(seconds=lifetime // 2)
    late, _ = tokens.issue("user-1")
    clock.advance(seconds=lifetime // 2)
    with pytest.raises(Unauthenticated):
        tokens.verify(early)
    assert tokens.verify(late).user_id == "user-1"


def tampered(token: str) -> list[str]:
    middle = len(token) // 2
    flipped = "A" if token[middle] != "A" else "B"
    return [
        token[:middle] + flipped + token[middle + 1 :],
        token + "x",
        token[:-1],
        token.upper() if token.upper() != token else token.lower(),
    ]


def test_a_tampered_token_is_rejected(tokens: AccessTokens) -> None:
    token, _ = tokens.issue("user-1")
    for changed in tampered(token):
        with pytest.raises(Unauthenticated):
            tokens.verify(changed)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "Bearer x", "\x00"])
def test_garbage_is_rejected(tokens: AccessTokens, garbage: str) -> None:
    with pytest.raises(Unauthenticated):
        tokens.verify(garbage)


# --- JWT only: the signature, the secret and the clock ---------------------------------------


def test_jwt_rejects_a_token_signed_with_another_secret(clock: FixedClock) -> None:
    other = JwtAccessTokens(
        "another-secret-also-long-enough-for-hs256", lifetime_seconds=60, clock=clock
    )
    token, _ = other.issue("user-1")
    with pytest.raises(Unauthenticated, match="not valid"):
        JwtAccessTokens(SECRET, lifetime_seconds=60, clock=clock).verify(token)


def test_jwt_needs_a_secret(clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="JWT_SECRET"):
        JwtAccessTokens("", lifetime_seconds=60, clock=clock)


def test_jwt_expiry_follows_the_injected_clock_not_the_system_time() -> None:
    # FixedClock starts in the past: with the system time, this token would be long expired.
    clock = FixedClock()
    tokens = JwtAccessTokens(SECRET, lifetime_seconds=60, clock=clock)
    token, _ = tokens.issue("user-1")
    assert tokens.verify(token).user_id == "user-1"


def test_a_token_carries_the_token_version(tokens: AccessTokens) -> None:
    token, _ = tokens.issue("user-1", 7)
    assert tokens.verify(token) == AccessClaims("user-1", 7)
    plain, _ = tokens.issue("user-1")
    assert tokens.verify(plain).version == 0


# --- JWT only: every claim is checked ----------------------------------------------------------


def _forge(clock: FixedClock, algorithm: str = "HS256", **claims: object) -> str:
    now = int(clock.now().timestamp())
    body: dict[str, object] = {
        "sub": "user-1",
        "ver": 0,
        "iat": now,
        "exp": now + 60,
        "iss": "kirbygen",
        "aud": "kirbygen-api",
    }
    body.update(claims)
    for name in [k for k, v in body.items() if v is None]:
        del body[name]
    with warnings.catch_warnings():  # the test secret is short for HS384/HS512; no matter
        warnings.simplefilter("ignore")
        return jwt.encode(body, SECRET, algorithm=algorithm)


@pytest.mark.parametrize(
    "claims",
    [
        {"iat": "future"},  # issued in the future
        {"nbf": "future"},  # not yet valid
        {"exp": None},
        {"iat": None},
        {"ver": None},
        {"ver": "0"},
        {"sub": ""},
        {"aud": "kirbygen-preview"},
        {"iss": "someone-else"},
    ],
)
def test_jwt_checks_every_claim(clock: FixedClock, claims: dict[str, object]) -> None:
    future = int(clock.now().timestamp()) + 3600
    resolved = {k: future if v == "future" else v for k, v in claims.items()}
    token = _forge(clock, **resolved)
    with pytest.raises(Unauthenticated):
        JwtAccessTokens(SECRET, lifetime_seconds=60, clock=clock).verify(token)


def test_jwt_accepts_its_own_claims(clock: FixedClock) -> None:
    token = _forge(clock, nbf=int(clock.now().timestamp()))
    claims = JwtAccessTokens(SECRET, lifetime_seconds=60, clock=clock).verify(token)
    assert claims == AccessClaims("user-1", 0)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512", "none"])
def test_jwt_refuses_another_algorithm(clock: FixedClock, algorithm: str) -> None:
    if algorithm == "none":
        header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        signed = _forge(clock)
        token = header + "." + signed.split(".")[1] + "."
    else:
        token = _forge(clock, algorithm=algorithm)
    with pytest.raises(Unauthenticated):
        JwtAccessTokens(SECRET, lifetime_seconds=60, clock=clock).verify(token)


def test_a_verified_token_is_remembered_only_as_it_was_signed(clock: FixedClock) -> None:
    import adapters.auth.tokens as jwt_tokens

    tokens = JwtAccessTokens(SECRET, lifetime_seconds=LIFETIME, clock=clock)
    token, _ = tokens.issue("user-1", version=3)
    assert tokens.verify(token) == AccessClaims("user-1", 3)
    assert tokens.verify(token) == AccessClaims("user-1", 3)  # the second time from memory
    header, _, signature = token.split(".")
    altered = signature[:5] + ("B" if signature[5] == "A" else "A") + signature[6:]
    forged_payload = base64.urlsafe_b64encode(b'{"sub":"user-2","ver":3}').rstrip(b"=").decode()
    for forged in (f"{header}.{forged_payload}.{signature}", token.replace(signature, altered)):
        with pytest.raises(Unauthenticated):
            tokens.verify(forged)
    other = JwtAccessTokens(SECRET + "-other", lifetime_seconds=LIFETIME, clock=clock)
    with pytest.raises(Unauthenticated):
        other.verify(token)  # what one signer remembers, another does not trust
    for n in range(jwt_tokens.VERIFIED_CACHE_ENTRIES + 1):
        tokens.verify(tokens.issue(f"user-{n}")[0])
    assert len(tokens._verified) <= jwt_tokens.VERIFIED_CACHE_ENTRIES
    assert tokens.verify(token) == AccessClaims("user-1", 3)
