"""Readiness probes for the embedded adapters and for any storage."""

from __future__ import annotations

import uuid

from adapters.local.job_queue import InProcessJobQueue
from domain.ports import Storage


class StorageProbe:
    """Asks the storage whether a random key exists: reaches the disk or the bucket."""

    name = "storage"

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def check(self) -> None:
        self._storage.exists(f"readiness/{uuid.uuid4().hex}")


class InProcessQueueProbe:
    """The in-process queue is ready while its workers run in this process."""

    name = "queue"

    def __init__(self, queue: InProcessJobQueue) -> None:
        self._queue = queue

    def check(self) -> None:
        if not self._queue.serving:
            raise RuntimeError("the in-process worker is not running in this process")
