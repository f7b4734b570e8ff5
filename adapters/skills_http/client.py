"""HTTP calls to the skills service: bearer token, timeouts, retries with backoff.

A call is retried only when it cannot have reached a skill — the connection was refused or
not made in time — or when a proxy in front of the service says it is down (502, 503,
504). A read timeout is not retried: the skill may be working (and spending model tokens).
A 4xx is never retried.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx2

from adapters.skills_http.wire import SKILL_ERROR_STATUS, decode_error
from config.backends import SkillsServiceSettings
from domain.errors import DependencyUnavailable, KirbyGenError
from domain.refusals import LimitExceeded

logger = logging.getLogger("kirbygen.skills")
RETRIED_STATUSES = frozenset({502, 503, 504})
KEEPALIVE_SECONDS = 2.0


class SkillsUnavailable(DependencyUnavailable):
    """The skills service did not answer, or refused the token."""

    code = "skills_unavailable"


class SkillsClient:
    def __init__(
        self,
        settings: SkillsServiceSettings,
        *,
        transport: httpx2.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._http = httpx2.Client(
            base_url=settings.base_url,
            timeout=httpx2.Timeout(
                settings.timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            headers={"Authorization": f"Bearer {settings.token}"},
            transport=transport,
            # Shorter than the service's keep-alive (KIRBYGEN_KEEP_ALIVE_SECONDS, 5 s), so a
            # pooled connection is never one the service is closing.
            limits=httpx2.Limits(keepalive_expiry=KEEPALIVE_SECONDS),
        )

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    def close(self) -> None:
        self._http.close()

    def health(self, path: str) -> Any:
        """One unauthenticated look, no retries (readiness asks again on its own)."""
        try:
            response = self._http.get(path, timeout=self._settings.connect_timeout_seconds)
        except httpx2.TransportError as exc:
            raise SkillsUnavailable(
                f"the skills service at {self.base_url} is not reachable ({_reason(exc)})"
            ) from None
        if response.status_code != 200:
            raise SkillsUnavailable(
                f"the skills service at {self.base_url} answered {response.status_code}"
            )
        return response.json()

    def get(self, path: str) -> Any:
        return self._send("GET", path, None)

    def post(self, path: str, payload: Any) -> Any:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        limit = self._settings.max_request_bytes
        if len(body) > limit:
            raise LimitExceeded(
                f"the call to the skills service ({path}) is {len(body)} bytes, over "
                f"KIRBYGEN_SKILLS_MAX_REQUEST_BYTES={limit}",
                limit="KIRBYGEN_SKILLS_MAX_REQUEST_BYTES",
                value=limit,
                code="skills_request_too_large",
            )
        return self._send("POST", path, body)

    def _send(self, method: str, path: str, body: bytes | None) -> Any:
        attempts = self._settings.retries + 1
        wait = self._settings.backoff_ms / 1000
        request_id = uuid.uuid4().hex
        headers = {"X-Request-ID": request_id}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.request(method, path, content=body, headers=headers)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
                problem = f"is not reachable ({_reason(exc)})"
            except httpx2.TimeoutException:
                raise SkillsUnavailable(
                    f"the skills service at {self.base_url} did not answer {method} {path} "
                    f"within KIRBYGEN_SKILLS_TIMEOUT_SECONDS={self._settings.timeout_seconds}"
                ) from None
            except httpx2.TransportError as exc:
                raise SkillsUnavailable(
                    f"the skills service at {self.base_url} broke off {method} {path} "
                    f"({_reason(exc)})"
                ) from None
            else:
                if response.status_code not in RETRIED_STATUSES:
                    return self._answer(method, path, response)
                problem = f"answered {response.status_code}"
            if attempt < attempts:
                logger.warning(
                    "skills service %s on %s %s; attempt %d of %d in %.1f s",
                    problem,
                    method,
                    path,
                    attempt + 1,
                    attempts,
                    wait,
                    extra={"request_id": request_id},
                )
                self._sleep(wait)
                wait *= 2
        raise SkillsUnavailable(
            f"the skills service at {self.base_url} {problem} after {attempts} attempt(s) "
            f"(KIRBYGEN_SKILLS_RETRIES={self._settings.retries})"
        )

    def _answer(self, method: str, path: str, response: httpx2.Response) -> Any:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict):
            return data
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            raise SkillsUnavailable(
                f"the skills service at {self.base_url} answered {method} {path} with "
                f"{response.status_code} and no error envelope"
            )
        code = str(error.get("code", "skills_error"))
        message = str(error.get("message", ""))
        given = error.get("details")
        details: dict[str, Any] = given if isinstance(given, dict) else {}
        if response.status_code == SKILL_ERROR_STATUS and "kind" in details:
            raise SkillError(decode_error(code, message, details), details)
        if response.status_code == 401:
            raise SkillsUnavailable(
                f"the skills service at {self.base_url} refused SKILLS_API_TOKEN (401): "
                "set the same token on the service and its clients",
                code="skills_unauthorized",
            )
        raise KirbyGenError(
            f"the skills service refused {method} {path} ({response.status_code}): {message}",
            code=code,
        )


class SkillError(Exception):
    """Carries a rebuilt skill error (and the ledger entries of the failed call) out of
    the client, for the registry to record and re-raise."""

    def __init__(self, error: BaseException, details: dict[str, Any]) -> None:
        super().__init__(str(error))
        self.error = error
        self.details = details


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
