"""Contract of the ``PasswordHasher`` port: the fake and argon2id (with cheap parameters)."""

from __future__ import annotations

import pytest

from adapters.auth.passwords import Argon2PasswordHasher
from domain.accounts import PasswordHasher
from tests.fakes import FakePasswordHasher


def cheap_argon2() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(params=["fake", "argon2"])
def hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    return FakePasswordHasher() if request.param == "fake" else cheap_argon2()


@pytest.mark.parametrize("password", ["correct horse battery", "pässwörd ✓ 密码", "", " " * 3])
def test_a_hash_verifies_its_password(hasher: PasswordHasher, password: str) -> None:
    password_hash = hasher.hash(password)
    assert isinstance(password_hash, str)
    assert password_hash != password
    assert hasher.verify(password_hash, password)


@pytest.mark.parametrize(
    "wrong", ["correct horse batter", "Correct horse battery", "correct horse battery ", ""]
)
def test_a_wrong_password_does_not_verify(hasher: PasswordHasher, wrong: str) -> None:
    assert not hasher.verify(hasher.hash("correct horse battery"), wrong)


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "not a hash",
        "$argon2id$",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
        "$argon2id$v=19$m=8,t=1,p=1$ü$ü",
        "fake-hash:",
        "\x00",
    ],
)
def test_a_malformed_hash_is_a_mismatch_not_an_error(
    hasher: PasswordHasher, malformed: str
) -> None:
    assert hasher.verify(malformed, "correct horse battery") is False


def test_a_password_that_is_not_valid_text_is_a_mismatch(hasher: PasswordHasher) -> None:
    # JSON can carry a lone surrogate ("\ud800"), which no encoder accepts.
    assert hasher.verify(hasher.hash("correct horse battery"), "\ud800") is False


def test_a_hash_of_one_adapter_is_a_mismatch_for_the_other() -> None:
    fake, real = FakePasswordHasher(), cheap_argon2()
    assert not real.verify(fake.hash("secret-pw"), "secret-pw")
    assert not fake.verify(real.hash("secret-pw"), "secret-pw")


# --- argon2 only: salted, and the parameters travel in the hash ------------------------------


def test_argon2_salts_each_hash() -> None:
    hasher = cheap_argon2()
    first, second = hasher.hash("same password"), hasher.hash("same password")
    assert first != second
    assert hasher.verify(first, "same password") and hasher.verify(second, "same password")


def test_argon2_verifies_hashes_made_with_other_parameters() -> None:
    old = cheap_argon2().hash("kept from before")
    stronger = Argon2PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    assert stronger.verify(old, "kept from before")


# --- the fake only: it is reversible, to read in a failing test -----------------------------


def test_the_fake_hash_reveals_its_password_and_counts_checks() -> None:
    fake = FakePasswordHasher()
    assert fake.reveal(fake.hash("open sesame")) == "open sesame"
    assert fake.reveal("$argon2id$v=19$…") is None
    fake.verify("whatever", "x")
    fake.verify(fake.hash("x"), "x")
    assert fake.checks == 2
