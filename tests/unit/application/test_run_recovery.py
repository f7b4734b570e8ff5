"""Recovery of runs left active by a process that died (on the fakes)."""

from __future__ import annotations

import asyncio

from application import keys
from application.recovery import RunRecovery
from domain.ports import Job
from domain.project import Phase, Project, ProjectStatus, Run, RunStatus
from tests.fakes import (
    FakeJobQueue,
    FakeProjectRepository,
    FakeSessionStore,
    FixedClock,
    SequentialIds,
)

TTL = 3600


class World:
    def __init__(self, max_resumes: int = 2) -> None:
        self.clock = FixedClock()
        self.repository = FakeProjectRepository()
        self.sessions = FakeSessionStore(self.clock)
        self.queue = FakeJobQueue()
        self.recovery = RunRecovery(
            repository=self.repository,
            sessions=self.sessions,
            queue=self.queue,
            clock=self.clock,
            ids=SequentialIds("job"),
            max_resumes=max_resumes,
            ttl_seconds=TTL,
        )

    def run(self, run_id: str, status: RunStatus, job_id: str | None = None) -> Run:
        # One project per run: a project has one active run at most.
        now = self.clock.now()
        self.repository.add_project(
            Project(
                id=f"p-{run_id}",
                name="P",
                owner_id="u1",
                status=ProjectStatus.GENERATING,
                created=now,
                updated=now,
            )
        )
        run = Run(
            id=run_id,
            project_id=f"p-{run_id}",
            status=status,
            created=self.clock.now(),
            completed_phases=(Phase.INGEST,),
        )
        self.repository.add_run(run)
        if job_id is not None:
            self.sessions.put(keys.run_job_session(run_id), job_id.encode(), TTL)
        return run


def test_orphans_are_resumed_with_a_new_job_and_live_runs_are_left_alone() -> None:
    world = World()
    world.run("orphan", RunStatus.RUNNING, job_id="dead-job")
    world.run("queued-orphan", RunStatus.QUEUED)
    world.run("waiting", RunStatus.QUEUED, job_id="live-job")
    world.run("held", RunStatus.RUNNING, job_id="gone")
    world.run("done", RunStatus.SUCCEEDED)
    asyncio.run(world.queue.enqueue(Job(id="live-job", run_id="waiting", project_id="p-waiting")))
    world.sessions.put(keys.run_lease_session("held"), b"another worker", 30)

    recovered = asyncio.run(world.recovery.recover())

    assert set(recovered.resumed) == {"orphan", "queued-orphan"}
    queued = {job.run_id: job for job in world.queue.queued}
    assert set(queued) == {"waiting", "orphan", "queued-orphan"}
    new_job = world.sessions.get(keys.run_job_session("orphan"))
    assert new_job is not None and new_job.decode() == queued["orphan"].id != "dead-job"
    # The run itself is untouched: it goes on from its last finished phase.
    orphan = world.repository.get_run("orphan")
    assert orphan is not None and orphan.status is RunStatus.RUNNING
    assert orphan.completed_phases == (Phase.INGEST,)


def test_a_run_that_keeps_dying_fails_as_interrupted_after_max_resumes() -> None:
    world = World(max_resumes=2)
    world.run("crashy", RunStatus.RUNNING)
    for _ in range(2):
        assert asyncio.run(world.recovery.recover()).resumed == ("crashy",)
        world.queue.queued.clear()  # its process died again

    recovered = asyncio.run(world.recovery.recover())

    assert recovered.failed == ("crashy",)
    run = world.repository.get_run("crashy")
    assert run is not None and run.status is RunStatus.FAILED
    assert run.failure is not None and run.failure.code == "interrupted"
    assert run.failure.phase is Phase.MAPPING  # the first phase it had not finished
    assert "KIRBYGEN_RUN_MAX_RESUMES=2" in run.failure.message
    project = world.repository.get_project("p-crashy")
    assert project is not None and project.status is ProjectStatus.FAILED


def test_an_orphan_whose_cancellation_was_asked_for_ends_cancelled() -> None:
    world = World()
    world.run("cancel-me", RunStatus.RUNNING)
    world.sessions.put(keys.run_cancel_session("cancel-me"), b"1", TTL)

    recovered = asyncio.run(world.recovery.recover())

    assert recovered.cancelled == ("cancel-me",)
    run = world.repository.get_run("cancel-me")
    assert run is not None and run.status is RunStatus.CANCELLED and run.finished is not None
    assert world.queue.queued == []


def test_with_confirmation_a_run_must_be_an_orphan_twice_in_a_row() -> None:
    world = World()
    world.run("slow-enqueue", RunStatus.QUEUED)
    world.run("lost", RunStatus.RUNNING)

    first = asyncio.run(world.recovery.recover(confirm=True))
    assert first.resumed == ()
    # Meanwhile the API enqueued the first run's job after all.
    asyncio.run(
        world.queue.enqueue(Job(id="j1", run_id="slow-enqueue", project_id="p-slow-enqueue"))
    )
    world.sessions.put(keys.run_job_session("slow-enqueue"), b"j1", TTL)

    second = asyncio.run(world.recovery.recover(confirm=True))

    assert second.resumed == ("lost",)
    assert [job.run_id for job in world.queue.queued] == ["slow-enqueue", "lost"]
