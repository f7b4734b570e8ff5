"""A small client of Render's REST API (api-docs.render.com): services, deploys, rollback.

Every failure becomes a ``DeployFailed`` whose message says what went wrong and what to do.
Retries happen only where repeating cannot do harm: reads (GET), and a 429 (Render did not
act on the request), waiting as long as ``Retry-After`` says. A POST that met a 5xx or a
broken connection is not repeated — Render may have acted on it — and the caller decides
(creating a service looks it up by name first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx2

from application.deployments import DeployFailed
from config.deploy_settings import RenderSettings

REQUEST_TIMEOUT_SECONDS = 30.0
# The longest a Retry-After is honoured before the deployment fails instead.
MAX_RETRY_AFTER_SECONDS = 120.0
BACKOFF_SECONDS = 1.0


class RenderApiError(DeployFailed):
    def __init__(self, message: str, *, status: int | None, code: str = "render_error") -> None:
        super().__init__(message, code=code)
        self.status = status


_STATUS_CODES = {
    400: ("render_bad_request", "Render refused the request as invalid"),
    401: ("render_unauthorized", "Render refused the API key (401): check RENDER_API_KEY"),
    403: ("render_forbidden", "the API key may not do this (403): check its workspace"),
    404: ("render_not_found", "Render has no such resource (404)"),
    409: ("render_conflict", "Render reports a conflict (409)"),
    429: ("render_rate_limited", "Render's rate limit was reached (429)"),
}


class RenderClient:
    def __init__(
        self,
        settings: RenderSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        if not settings.api_key:
            raise DeployFailed(
                "set RENDER_API_KEY to deploy to Render (an API key from the Render Dashboard)",
                code="render_not_configured",
            )
        self._settings = settings
        self._sleep = sleep
        self._http = httpx2.Client(
            base_url=settings.api_url,
            headers={
                "Authorization": f"Bearer {settings.api_key}",
                "Accept": "application/json",
            },
            timeout=REQUEST_TIMEOUT_SECONDS,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    # --- endpoints --------------------------------------------------------------------------

    def find_service(self, name: str, owner_id: str) -> dict[str, Any] | None:
        found = self._call("GET", "/services", params={"name": name, "ownerId": owner_id})
        for item in found or []:
            service = item.get("service", item)
            if service.get("name") == name:
                return dict(service)
        return None

    def get_service(self, service_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/services/{service_id}"))

    def create_service(self, body: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The created service and the id of the deploy Render started for it (if any)."""
        created = self._call("POST", "/services", json=body)
        service = created.get("service", created)
        return dict(service), created.get("deployId")

    def trigger_deploy(self, service_id: str, commit: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"clearCache": "do_not_clear"}
        if commit:
            body["commitId"] = commit
        return dict(self._call("POST", f"/services/{service_id}/deploys", json=body))

    def get_deploy(self, service_id: str, deploy_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/services/{service_id}/deploys/{deploy_id}"))

    def rollback(self, service_id: str, deploy_id: str) -> dict[str, Any]:
        return dict(
            self._call("POST", f"/services/{service_id}/rollback", json={"deployId": deploy_id})
        )

    # --- the one way every request goes -------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        attempts = max(1, self._settings.max_attempts)
        safe = method == "GET"
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._http.request(method, path, json=json, params=params)
            except httpx2.TransportError as exc:
                if safe and not last:
                    self._sleep(BACKOFF_SECONDS * attempt)
                    continue
                raise RenderApiError(
                    f"Render's API at {self._settings.api_url} did not answer "
                    f"({type(exc).__name__}); check RENDER_API_URL and the network",
                    status=None,
                    code="render_unreachable",
                ) from None
            status = response.status_code
            if status == 429 and not last:
                wait = _retry_after(response.headers.get("retry-after"), attempt)
                if wait <= MAX_RETRY_AFTER_SECONDS:
                    self._sleep(wait)
                    continue
            if status >= 500 and safe and not last:
                self._sleep(BACKOFF_SECONDS * attempt)
                continue
            if status >= 400:
                raise self._error(method, path, response)
            return response.json() if response.content else None
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, method: str, path: str, response: httpx2.Response) -> RenderApiError:
        status = response.status_code
        try:
            detail = str(response.json().get("message") or "")
        except ValueError:
            detail = response.text[:200]
        code, text = _STATUS_CODES.get(
            status, ("render_server_error", f"Render's API failed ({status}); try again later")
        )
        if status == 429:
            after = response.headers.get("retry-after")
            text += f"; try again in {after} s" if after else "; try again later"
        where = f"{method} {path}"
        return RenderApiError(
            f"{text} [{where}]" + (f": {detail}" if detail else ""), status=status, code=code
        )


def _retry_after(header: str | None, attempt: int) -> float:
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
    return BACKOFF_SECONDS * attempt
