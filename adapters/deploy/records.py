"""``DeploymentRepository`` in a JSON file beside a site (``kirbygen deploy SITE`` keeps its
deployments in ``SITE/.kirbygen/deployments.json``, so a later deploy finds the service it
created and ``--rollback ID`` finds the deployment it names)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import attrs

from domain.errors import InvalidInput, NotFound
from domain.project import Deployment, ProgressEvent
from domain.serialization import from_data, to_data


class JsonDeploymentRepository:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Any]:
        if not self._path.is_file():
            return {"deployments": [], "events": []}
        data: dict[str, Any] = json.loads(self._path.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, Any]) -> None:
        # Written whole and renamed into place: a crash never leaves half a file.
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".deployments-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
        os.replace(tmp, self._path)

    def add_deployment(self, deployment: Deployment) -> None:
        with self._lock:
            data = self._load()
            if any(d["id"] == deployment.id for d in data["deployments"]):
                raise InvalidInput(f"deployment {deployment.id!r} already exists", code="duplicate")
            data["deployments"].append(to_data(deployment))
            self._save(data)

    def get_deployment(self, deployment_id: str) -> Deployment | None:
        found = [d for d in self._load()["deployments"] if d["id"] == deployment_id]
        return from_data(found[0], Deployment) if found else None

    def update_deployment(self, deployment: Deployment) -> None:
        with self._lock:
            data = self._load()
            for i, d in enumerate(data["deployments"]):
                if d["id"] == deployment.id:
                    data["deployments"][i] = to_data(deployment)
                    self._save(data)
                    return
        raise NotFound(f"no deployment {deployment.id!r}")

    def list_deployments(self, project_id: str) -> list[Deployment]:
        found = [
            from_data(d, Deployment)
            for d in self._load()["deployments"]
            if d["project_id"] == project_id
        ]
        return sorted(found, key=lambda d: (d.created, d.id), reverse=True)

    def append_deployment_event(self, event: ProgressEvent) -> ProgressEvent:
        with self._lock:
            data = self._load()
            if not any(d["id"] == event.run_id for d in data["deployments"]):
                raise NotFound(f"no deployment {event.run_id!r}")
            seq = 1 + max((e["seq"] for e in data["events"] if e["run_id"] == event.run_id),
                          default=0)  # fmt: skip
            stored = attrs.evolve(event, seq=seq)
            data["events"].append(to_data(stored))
            self._save(data)
            return stored

    def list_deployment_events(
        self, deployment_id: str, *, after_seq: int = 0
    ) -> list[ProgressEvent]:
        events = [from_data(e, ProgressEvent) for e in self._load()["events"]]
        return sorted(
            (e for e in events if e.run_id == deployment_id and e.seq > after_seq),
            key=lambda e: e.seq,
        )
