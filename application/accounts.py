"""Accounts: register, log in, refresh and log out, and who is calling.

A login yields a short-lived access token and a long-lived refresh token. The refresh token
is a random value; only its keyed hash (with SESSION_SECRET) is kept in the session store, so
a copy of the store holds no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import attrs

from domain.accounts import AccessTokens, PasswordHasher
from domain.errors import InvalidInput, NotFound
from domain.ports import IdGenerator, ProjectRepository, SessionStore
from domain.project import User
from domain.refusals import Conflict, Unauthenticated

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
MAX_EMAIL_CHARS = 320


@attrs.frozen
class LoginResult:
    user: User
    access_token: str
    expires_in: int
    refresh_token: str


class AccountService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        hasher: PasswordHasher,
        tokens: AccessTokens,
        sessions: SessionStore,
        ids: IdGenerator,
        session_secret: str,
        session_ttl_seconds: int,
    ) -> None:
        self._repository = repository
        self._hasher = hasher
        self._tokens = tokens
        self._sessions = sessions
        self._ids = ids
        self._secret = session_secret.encode()
        self._ttl = session_ttl_seconds
        self._dummy_hash: str | None = None

    def register(self, email: str, password: str) -> User:
        email = email.strip()
        if len(email) > MAX_EMAIL_CHARS or not EMAIL.match(email):
            raise InvalidInput("give a valid e-mail address", code="invalid_email")
        if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
            raise InvalidInput(
                f"the password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters",
                code="invalid_password",
            )
        if self._repository.get_user_by_email(email) is not None:
            raise Conflict("this e-mail address is already registered", code="email_taken")
        user = User(id=self._ids.new_id(), email=email, password_hash=self._hasher.hash(password))
        try:
            self._repository.add_user(user)
        except InvalidInput as exc:  # registered by a concurrent request meanwhile
            raise Conflict(exc.message, code="email_taken") from None
        return user

    def login(self, email: str, password: str) -> LoginResult:
        user = self._repository.get_user_by_email(email.strip())
        if user is None:
            # Spend the same time as a real check, so timing does not reveal who is registered.
            self._hasher.verify(self._dummy(), password)
            raise Unauthenticated("the e-mail address or the password is wrong")
        if not self._hasher.verify(user.password_hash, password):
            raise Unauthenticated("the e-mail address or the password is wrong")
        return self._new_session(user)

    def refresh(self, refresh_token: str) -> LoginResult:
        """A new access token and a new refresh token; the old refresh token stops working."""
        key = self._session_key(refresh_token)
        stored = self._sessions.get(key) if refresh_token else None
        if stored is None:
            raise Unauthenticated("the login session has expired; log in again")
        self._sessions.delete(key)
        user = self._repository.get_user(stored.decode())
        if user is None:
            raise Unauthenticated("the account no longer exists")
        return self._new_session(user)

    def logout(self, refresh_token: str) -> None:
        if refresh_token:
            self._sessions.delete(self._session_key(refresh_token))

    def authenticate(self, access_token: str) -> str:
        """The id of the user an access token names; raises Unauthenticated."""
        return self._tokens.verify(access_token)

    def me(self, user_id: str) -> User:
        user = self._repository.get_user(user_id)
        if user is None:
            raise NotFound("the account no longer exists", code="user_not_found")
        return user

    def _new_session(self, user: User) -> LoginResult:
        refresh = secrets.token_urlsafe(32)
        self._sessions.put(self._session_key(refresh), user.id.encode(), self._ttl)
        access, expires_in = self._tokens.issue(user.id)
        return LoginResult(
            user=user, access_token=access, expires_in=expires_in, refresh_token=refresh
        )

    def _session_key(self, refresh_token: str) -> str:
        digest = hmac.new(self._secret, refresh_token.encode(), hashlib.sha256).hexdigest()
        return f"login:{digest}"

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash
