"""Readiness: does every dependency answer, and how fast (``GET /api/ready``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

import attrs

from domain.ports import DependencyProbe

DEFAULT_PROBE_TIMEOUT_SECONDS = 5.0


@attrs.frozen
class DependencyState:
    name: str
    ok: bool
    latency_ms: float
    error: str | None = None


class Readiness:
    """Runs every probe at once, each bounded by ``timeout_seconds``."""

    def __init__(
        self,
        probes: Sequence[DependencyProbe],
        *,
        timeout_seconds: float = DEFAULT_PROBE_TIMEOUT_SECONDS,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._probes = tuple(probes)
        self._timeout = timeout_seconds
        self._timer = timer

    @property
    def names(self) -> list[str]:
        return [probe.name for probe in self._probes]

    async def check(self) -> list[DependencyState]:
        return list(await asyncio.gather(*(self._one(probe) for probe in self._probes)))

    async def _one(self, probe: DependencyProbe) -> DependencyState:
        started = self._timer()
        error: str | None = None
        try:
            await asyncio.wait_for(asyncio.to_thread(probe.check), self._timeout)
        except TimeoutError:
            error = f"no answer within {self._timeout:g} s"
        except Exception as exc:
            error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        latency = round((self._timer() - started) * 1000, 2)
        return DependencyState(probe.name, error is None, latency, error)
