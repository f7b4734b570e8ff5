"""One attempt at a run inside a worker: its lease, its progress, its cancel token.

A run can be picked up again after the process handling it died (SAQ's sweep, or the
start-up recovery). The lease — a short-lived session key renewed while the attempt
works — keeps two attempts from working on one run at once; the run's recorded
``completed_phases`` and the per-phase checkpoints let the next attempt go on from the
last finished phase without announcing (or redoing) it again.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback

import attrs

from application import keys
from domain.ports import Job, JobQueue, ProgressSink, ProjectRepository, SessionStore
from domain.project import EventStatus, Phase, ProgressEvent, Run


@attrs.frozen
class RunLimits:
    """How long each phase may take, and the lease's time to live (renewed at a third)."""

    phase_timeouts: dict[Phase, float] = attrs.field(factory=dict)
    lease_seconds: int = 30

    def timeout_of(self, phase: Phase) -> float | None:
        return self.phase_timeouts.get(phase)


class AttemptState:
    """Shared between the attempt's thread (the pipeline) and its watchdog (the event loop)."""

    def __init__(self, job: Job, token: str) -> None:
        self.job = job
        self.token = token
        self._lock = threading.Lock()
        self._phase: Phase | None = None
        self._phase_started = 0.0
        self._abandoned = False
        self._thread: int | None = None

    def phase_started(self, phase: Phase) -> None:
        with self._lock:
            self._phase, self._phase_started = phase, time.monotonic()
            self._thread = threading.get_ident()

    def where_stuck(self) -> str:
        """The stack of the thread working on the phase, as it is now (for the log of a
        phase over its timeout); empty when that thread has ended."""
        with self._lock:
            thread = self._thread
        frame = sys._current_frames().get(thread) if thread is not None else None
        return "".join(traceback.format_stack(frame)) if frame is not None else ""

    def phase_ended(self) -> None:
        with self._lock:
            self._phase = None

    def overdue(self, limits: RunLimits) -> Phase | None:
        """The phase running longer than its timeout, if any."""
        with self._lock:
            phase, since = self._phase, self._phase_started
        if phase is None:
            return None
        limit = limits.timeout_of(phase)
        return phase if limit is not None and time.monotonic() - since > limit else None

    def abandon(self) -> bool:
        """From now on the thread records nothing; False when it was abandoned already."""
        with self._lock:
            first, self._abandoned = not self._abandoned, True
        return first

    @property
    def abandoned(self) -> bool:
        with self._lock:
            return self._abandoned


class RunLease:
    """The session key saying which attempt works on a run, with a short time to live.

    Claimed and renewed with the store's compare-and-set, so two attempts never both hold it.
    """

    def __init__(self, sessions: SessionStore, run_id: str, token: str, ttl: int) -> None:
        self._sessions = sessions
        self._key = keys.run_lease_session(run_id)
        self._token = token.encode()
        self._ttl = ttl

    def claim(self) -> bool:
        return self._sessions.put_if(self._key, self._token, self._ttl, expected=None)

    def renew(self) -> None:
        # A lease that ran out meanwhile (a stalled process) is taken again if still free.
        if not self._sessions.put_if(self._key, self._token, self._ttl, expected=self._token):
            self._sessions.put_if(self._key, self._token, self._ttl, expected=None)

    def release(self) -> None:
        self._sessions.delete_if(self._key, self._token)


class RunCancelToken:
    """Cancelled when the run's cancel flag is set (any API instance), the queue says so
    (a cancel, or the worker stopping), the run is gone, or the attempt was abandoned."""

    def __init__(
        self,
        sessions: SessionStore,
        queue: JobQueue,
        repository: ProjectRepository,
        state: AttemptState,
    ) -> None:
        self._sessions = sessions
        self._queue = queue
        self._repository = repository
        self._state = state

    def requested(self) -> bool:
        """True when a person asked for the cancellation (not the worker stopping)."""
        run_id = self._state.job.run_id
        return self._sessions.get(keys.run_cancel_session(run_id)) is not None

    def gone(self) -> bool:
        """True when the run or its project was deleted meanwhile."""
        job = self._state.job
        return (
            self._repository.get_run(job.run_id) is None
            or self._repository.get_project(job.project_id) is None
        )

    def cancelled(self) -> bool:
        if self._state.abandoned or self._queue.is_cancelled(self._state.job.id):
            return True
        return self.requested() or self.gone()


class StoredProgress:
    """Stores each event (assigning its ``seq``), records finished phases on the run, then
    fans the stored event out. A phase finished by an earlier attempt is announced as
    reused from its checkpoint (never started again); an abandoned attempt publishes
    nothing."""

    def __init__(
        self,
        repository: ProjectRepository,
        fanout: ProgressSink,
        run: Run,
        state: AttemptState,
    ) -> None:
        self._repository = repository
        self._fanout = fanout
        self._state = state
        self._run_id = run.id
        self.completed: list[Phase] = list(run.completed_phases)

    def publish(self, event: ProgressEvent) -> None:
        if self._state.abandoned:
            return
        if event.status is EventStatus.STARTED:
            self._state.phase_started(event.phase)
        elif event.status in (EventStatus.COMPLETED, EventStatus.FAILED):
            self._state.phase_ended()
        stored = self._repository.append_event(event)
        if event.status is EventStatus.COMPLETED and event.phase not in self.completed:
            self.completed.append(event.phase)
            self._record_completed()
        self._fanout.publish(stored)

    def _record_completed(self) -> None:
        run = self._repository.get_run(self._run_id)
        if run is not None:
            self._repository.update_run(attrs.evolve(run, completed_phases=tuple(self.completed)))
