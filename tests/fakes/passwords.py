"""A password "hash" that is only the password reversed: readable in a failing test, never
mistaken for a real one."""

from __future__ import annotations

PREFIX = "fake-hash:"


class FakePasswordHasher:
    """``PasswordHasher`` without cost; ``checks`` counts calls to ``verify`` (a login for an
    unknown e-mail address still checks a password, so timing does not tell who exists)."""

    def __init__(self) -> None:
        self.checks = 0

    def hash(self, password: str) -> str:
        return PREFIX + password[::-1]

    def verify(self, password_hash: str, password: str) -> bool:
        self.checks += 1
        return password_hash == self.hash(password)

    @staticmethod
    def reveal(password_hash: str) -> str | None:
        """The password behind a fake hash, or None for anything else."""
        if not password_hash.startswith(PREFIX):
            return None
        return password_hash[len(PREFIX) :][::-1]
