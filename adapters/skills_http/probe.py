"""Readiness of the skills service: its ``/health`` answers 200 (``GET /api/ready``)."""

from __future__ import annotations

from adapters.skills_http.client import SkillsClient
from adapters.skills_http.wire import HEALTH_PATH


class SkillsServiceProbe:
    name = "skills"

    def __init__(self, client: SkillsClient) -> None:
        self._client = client

    def check(self) -> None:
        answer = self._client.health(HEALTH_PATH)
        if answer.get("status") != "ok":
            raise RuntimeError(f"the skills service at {self._client.base_url} is not ok")
