"""Accounts: register, log in, refresh and log out, delete, and who is calling.

A login yields a short-lived access token and a long-lived refresh token. The refresh token
is a random value; only its keyed hash (with SESSION_SECRET) is kept in the session store, so
a copy of the store holds no usable token.

Refresh tokens of one login form a family. Refreshing rotates the token (the old one is
remembered as used); presenting a used token again means it was stolen or replayed, so the
whole family is revoked, the newest token included (OWASP's rule). Both kinds of token carry
the user's token version: logging out everywhere raises it, which ends every token at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

import attrs

from application.access import allowed_project
from application.projects import ProjectService
from domain.accounts import AccessClaims, AccessTokens, PasswordHasher, RateLimiter
from domain.errors import InvalidInput, NotFound
from domain.ports import IdGenerator, ProjectRepository, SessionStore
from domain.project import Project, Role, User
from domain.refusals import Conflict, RateLimited, Unauthenticated

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
MAX_EMAIL_CHARS = 320
# Enough to hold every project id of one person in one page when deleting the account.
_ALL = 1_000_000


@attrs.frozen
class LoginLimit:
    """Login attempts per account in a sliding window, whatever address they come from
    (an address limit alone is bypassed by rotating addresses or a forged forwarding header)."""

    limiter: RateLimiter
    max_attempts: int
    window_ms: int


@attrs.frozen
class LoginResult:
    user: User
    access_token: str
    expires_in: int
    refresh_token: str


@attrs.frozen
class _RefreshRecord:
    user_id: str
    family: str
    version: int

    def encode(self) -> bytes:
        return json.dumps([self.user_id, self.family, self.version]).encode()

    @classmethod
    def decode(cls, raw: bytes) -> _RefreshRecord | None:
        try:
            user_id, family, version = json.loads(raw)
        except (ValueError, TypeError):
            return None
        return cls(str(user_id), str(family), int(version))


class AccountService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        hasher: PasswordHasher,
        tokens: AccessTokens,
        sessions: SessionStore,
        ids: IdGenerator,
        projects: ProjectService,
        login_limit: LoginLimit,
        session_secret: str,
        session_ttl_seconds: int,
    ) -> None:
        self._repository = repository
        self._hasher = hasher
        self._tokens = tokens
        self._sessions = sessions
        self._ids = ids
        self._projects = projects
        self._login_limit = login_limit
        self._secret = session_secret.encode()
        self._ttl = session_ttl_seconds
        self._dummy_hash: str | None = None

    def register(self, email: str, password: str) -> User:
        email = email.strip()
        if len(email) > MAX_EMAIL_CHARS or not EMAIL.fullmatch(email):
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
        self._count_attempt(email)
        user = self._repository.get_user_by_email(email.strip())
        if user is None:
            # Spend the same time as a real check, so timing does not reveal who is registered.
            self._hasher.verify(self._dummy(), password)
            raise Unauthenticated("the e-mail address or the password is wrong")
        if not self._hasher.verify(user.password_hash, password):
            raise Unauthenticated("the e-mail address or the password is wrong")
        return self._issue(user, family=secrets.token_urlsafe(16), new_family=True)

    def refresh(self, refresh_token: str) -> LoginResult:
        """A new access token and a new refresh token; the old refresh token stops working,
        and presenting it again revokes every token of its login."""
        expired = Unauthenticated("the login session has expired; log in again")
        if not refresh_token:
            raise expired
        digest = self._digest(refresh_token)
        key = _token_key(digest)
        raw = self._sessions.get(key)
        if raw is None:
            used = self._sessions.get(_used_key(digest))
            if used is not None:
                self._sessions.delete(_family_key(used.decode()))
                raise Unauthenticated(
                    "this login session was already refreshed once; as a precaution every "
                    "session of this login is closed — log in again",
                    code="refresh_token_reused",
                )
            raise expired
        record = _RefreshRecord.decode(raw)
        # Of two requests presenting the same token, one rotates it and the other is a reuse.
        if record is None or not self._sessions.delete_if(key, raw):
            if record is not None:
                self._sessions.delete(_family_key(record.family))
            raise Unauthenticated(
                "this login session is being refreshed elsewhere; log in again",
                code="refresh_token_reused",
            )
        self._sessions.put(_used_key(digest), record.family.encode(), self._ttl)
        family_key = _family_key(record.family)
        # Renewed only while it lives: a family revoked meanwhile stays revoked.
        owner = record.user_id.encode()
        if not self._sessions.put_if(family_key, owner, self._ttl, expected=owner):
            raise expired
        user = self._repository.get_user(record.user_id)
        if user is None:
            raise Unauthenticated("the account no longer exists")
        if user.token_version != record.version:
            raise Unauthenticated("you logged out everywhere; log in again")
        return self._issue(user, family=record.family, new_family=False)

    def logout(self, refresh_token: str) -> None:
        """End this login: its refresh token family (access tokens run out by themselves)."""
        if not refresh_token:
            return
        key = _token_key(self._digest(refresh_token))
        raw = self._sessions.get(key)
        record = _RefreshRecord.decode(raw) if raw is not None else None
        if record is not None:
            self._sessions.delete(_family_key(record.family))
        self._sessions.delete(key)

    def logout_everywhere(self, user_id: str) -> None:
        """End every login of the user: all access and refresh tokens stop working now."""
        self._repository.revoke_tokens(user_id)

    def authenticate(self, access_token: str) -> str:
        """The id of the live user an access token names; raises Unauthenticated. A deleted
        user or a token issued before logout-everywhere is refused (one indexed read)."""
        claims = self._tokens.verify(access_token)
        _require_live(claims, self._repository.token_version(claims.user_id))
        return claims.user_id

    def authorize(self, access_token: str, project_id: str, needed: Role) -> tuple[str, Project]:
        """The live user an access token names and the project they hold at least ``needed``
        in, checked in one read: Unauthenticated first, then NotFound for a non-member, then
        Forbidden for too low a role."""
        claims = self._tokens.verify(access_token)
        access = self._repository.caller_access(claims.user_id, project_id)
        _require_live(claims, None if access is None else access.token_version)
        assert access is not None  # _require_live refused a missing user
        project = allowed_project(project_id, access.membership, access.project, needed)
        return claims.user_id, project

    def me(self, user_id: str) -> User:
        user = self._repository.get_user(user_id)
        if user is None:
            raise NotFound("the account no longer exists", code="user_not_found")
        return user

    def delete_account(self, user_id: str, password: str) -> None:
        """Delete the account (the password confirms it): every project it owns goes with all
        its files and runs; it leaves the projects of others, whose data stays theirs."""
        user = self.me(user_id)
        if not self._hasher.verify(user.password_hash, password):
            raise Unauthenticated("the password is wrong", code="wrong_password")
        # Tokens first, so nothing the user still holds works while the data goes.
        self._repository.revoke_tokens(user_id)
        page = self._repository.list_projects(user_id, status=None, offset=0, limit=_ALL)
        for project in page.items:
            membership = self._repository.get_membership(project.id, user_id)
            if membership is not None and membership.role is Role.OWNER:
                self._projects.erase(project.id)
        self._repository.delete_user(user_id)

    def _count_attempt(self, email: str) -> None:
        limit = self._login_limit
        account = hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass"))
        decision = limit.limiter.hit(
            f"login-account:{account.hexdigest()}",
            limit=limit.max_attempts,
            window_ms=limit.window_ms,
        )
        if not decision.allowed:
            raise RateLimited(
                "too many login attempts for this account; try again in "
                f"{decision.retry_after_seconds} s (RATE_LIMIT_LOGIN_ACCOUNT_MAX_REQUESTS)",
                retry_after_seconds=decision.retry_after_seconds,
            )

    def _issue(self, user: User, *, family: str, new_family: bool) -> LoginResult:
        if new_family:
            self._sessions.put(_family_key(family), user.id.encode(), self._ttl)
        refresh = secrets.token_urlsafe(32)
        record = _RefreshRecord(user.id, family, user.token_version)
        self._sessions.put(_token_key(self._digest(refresh)), record.encode(), self._ttl)
        access, expires_in = self._tokens.issue(user.id, user.token_version)
        return LoginResult(
            user=user, access_token=access, expires_in=expires_in, refresh_token=refresh
        )

    def _digest(self, refresh_token: str) -> str:
        data = refresh_token.encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash


# Session store keys of a login. A family lives as long as its newest token could.
def _token_key(digest: str) -> str:
    return f"login:{digest}"


def _used_key(digest: str) -> str:
    return f"login-used:{digest}"


def _family_key(family: str) -> str:
    return f"login-family:{family}"


def _require_live(claims: AccessClaims, version: int | None) -> None:
    """A deleted user's token, or one issued before logout-everywhere, is refused."""
    if version is None:
        raise Unauthenticated("the account no longer exists", code="user_deleted")
    if version != claims.version:
        raise Unauthenticated("this access token was revoked; log in again")
