"""Contract of the ``PreviewTokens`` port: the fake and the JWT adapter; and the rule that an
access token never opens a preview nor a preview token calls the API."""

from __future__ import annotations

import pytest

from adapters.auth.tokens import JwtAccessTokens, JwtPreviewTokens
from domain.accounts import AccessTokens, PreviewTokens
from domain.refusals import Unauthenticated
from tests.fakes import FakeAccessTokens, FakePreviewTokens, FixedClock

SECRET = "test-jwt-secret-that-is-long-enough-for-hs256"
LIFETIME = 3600


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(params=["fake", "jwt"])
def previews(request: pytest.FixtureRequest, clock: FixedClock) -> PreviewTokens:
    if request.param == "fake":
        return FakePreviewTokens(clock, lifetime_seconds=LIFETIME)
    return JwtPreviewTokens(SECRET, lifetime_seconds=LIFETIME, clock=clock)


def test_a_token_opens_its_project_for_its_member(previews: PreviewTokens) -> None:
    token, lifetime = previews.issue("project-1", "user-1")
    assert isinstance(token, str) and token
    assert lifetime == LIFETIME
    assert previews.verify(token, "project-1") == "user-1"


def test_a_token_does_not_open_another_project(previews: PreviewTokens) -> None:
    token, _ = previews.issue("project-1", "user-1")
    with pytest.raises(Unauthenticated, match="project"):
        previews.verify(token, "project-2")
    with pytest.raises(Unauthenticated):
        previews.verify(token, "")


def test_tokens_of_different_projects_differ(previews: PreviewTokens) -> None:
    first, _ = previews.issue("project-1", "user-1")
    second, _ = previews.issue("project-2", "user-1")
    assert first != second
    assert previews.verify(second, "project-2") == "user-1"


def test_a_token_is_valid_until_its_lifetime_has_passed(
    previews: PreviewTokens, clock: FixedClock
) -> None:
    token, lifetime = previews.issue("project-1", "user-1")
    clock.advance(seconds=lifetime - 1)
    assert previews.verify(token, "project-1") == "user-1"
    clock.advance(seconds=1)
    with pytest.raises(Unauthenticated, match="expired"):
        previews.verify(token, "project-1")


def test_a_tampered_token_is_rejected(previews: PreviewTokens) -> None:
    token, _ = previews.issue("project-1", "user-1")
    middle = len(token) // 2
    flipped = "A" if token[middle] != "A" else "B"
    for changed in [token[:middle] + flipped + token[middle + 1 :], token + "x", token[:-1], ""]:
        with pytest.raises(Unauthenticated):
            previews.verify(changed, "project-1")


# --- access and preview tokens do not stand in for each other --------------------------------

Pair = tuple[AccessTokens, PreviewTokens]


@pytest.fixture(params=["fake", "jwt"])
def pair(request: pytest.FixtureRequest, clock: FixedClock) -> Pair:
    if request.param == "fake":
        return FakeAccessTokens(clock), FakePreviewTokens(clock)
    # The same secret, as in production: only the audience tells the two apart.
    return (
        JwtAccessTokens(SECRET, lifetime_seconds=900, clock=clock),
        JwtPreviewTokens(SECRET, lifetime_seconds=LIFETIME, clock=clock),
    )


def test_an_access_token_is_not_a_preview_token(pair: Pair) -> None:
    access, previews = pair
    token, _ = access.issue("user-1")
    with pytest.raises(Unauthenticated):
        previews.verify(token, "project-1")


def test_a_preview_token_is_not_an_access_token(pair: Pair) -> None:
    access, previews = pair
    token, _ = previews.issue("project-1", "user-1")
    with pytest.raises(Unauthenticated):
        access.verify(token)


def test_jwt_preview_rejects_a_token_signed_with_another_secret(clock: FixedClock) -> None:
    other = JwtPreviewTokens(
        "another-secret-also-long-enough-for-hs256", lifetime_seconds=60, clock=clock
    )
    token, _ = other.issue("project-1", "user-1")
    with pytest.raises(Unauthenticated):
        JwtPreviewTokens(SECRET, lifetime_seconds=60, clock=clock).verify(token, "project-1")
