"""A lock per project across every API process, held in the session store.

The conversation's turns and the schema are read, changed and written back; two requests
doing that at once would each write over the other (a lost update). Whoever changes them
holds the project's lock: taken with an atomic put-if-absent, released with delete-if-mine,
and expiring on its own if its holder dies. A holder may take it again (reentrant per
thread), so a service that holds it can call another that takes it too.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from domain.ports import SessionStore
from domain.refusals import Conflict

POLL_SECONDS = 0.02


class ProjectLocks:
    def __init__(
        self,
        sessions: SessionStore,
        *,
        ttl_seconds: int = 900,
        wait_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._ttl = ttl_seconds
        self._wait = wait_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._held = threading.local()

    @contextmanager
    def hold(self, project_id: str) -> Iterator[None]:
        """Wait (up to ``wait_seconds``) for the project's lock; 409 when it stays taken."""
        held: dict[str, int] = self._held.__dict__.setdefault("keys", {})
        key = f"lock:project:{project_id}"
        if key in held:
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        token = secrets.token_hex(16).encode()
        deadline = self._monotonic() + self._wait
        while not self._sessions.put_if(key, token, self._ttl, expected=None):
            if self._monotonic() >= deadline:
                raise Conflict(
                    "another change to this project is still being made; try again",
                    code="project_busy",
                )
            self._sleep(POLL_SECONDS)
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            self._sessions.delete_if(key, token)
