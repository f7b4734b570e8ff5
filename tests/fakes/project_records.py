"""A project's rows at once, over the in-memory project and deployment repositories."""

from __future__ import annotations

from domain.errors import InvalidInput
from domain.project_records import ProjectRecords
from domain.refusals import Conflict
from tests.fakes.deployments import FakeDeploymentRepository
from tests.fakes.repository import FakeProjectRepository


class FakeProjectRecords:
    """``ProjectRecordStore`` reading and writing the fakes' dictionaries; a write checks
    everything first, so it is all or nothing like the SQL transaction."""

    def __init__(
        self, repository: FakeProjectRepository, deployments: FakeDeploymentRepository
    ) -> None:
        self.repository = repository
        self.deployments = deployments

    def read(self, project_id: str) -> ProjectRecords | None:
        repo, records = self.repository, self.deployments
        project = repo.get_project(project_id)
        if project is None:
            return None
        members = repo.list_members(project_id)
        runs = repo.list_runs(project_id)
        deployments = records.list_deployments(project_id)
        ids = {d.id for d in deployments}
        return ProjectRecords(
            project=project,
            members=tuple(members),
            users=tuple(
                sorted(
                    (repo.users[m.user_id] for m in members if m.user_id in repo.users),
                    key=lambda u: u.id,
                )
            ),
            uploads=tuple(repo.list_uploads(project_id)),
            runs=tuple(runs),
            events=tuple(
                e for run in sorted(runs, key=lambda r: r.id) for e in repo.list_events(run.id)
            ),
            deployments=tuple(deployments),
            deployment_events=tuple(
                sorted(
                    (e for e in records.events if e.run_id in ids), key=lambda e: (e.run_id, e.seq)
                )
            ),
        )

    def write(self, records: ProjectRecords, *, replace: bool = False) -> None:
        repo, project = self.repository, records.project
        if project.id in repo.projects and not replace:
            raise Conflict(f"project {project.id!r} already exists", code="project_exists")
        for user in records.users:
            owner = repo.get_user_by_email(user.email)
            if user.id not in repo.users and owner is not None:
                raise InvalidInput(
                    f"the e-mail address of member {user.id!r} belongs to another account "
                    f"({owner.id!r}) in this database",
                    code="email_taken",
                )
        repo.delete_project(project.id)
        gone = {d.id for d in self.deployments.list_deployments(project.id)}
        for deployment_id in gone:
            del self.deployments.deployments[deployment_id]
        self.deployments.events = [e for e in self.deployments.events if e.run_id not in gone]
        for user in records.users:
            repo.users.setdefault(user.id, user)
        repo.projects[project.id] = project
        repo.memberships.update({(m.project_id, m.user_id): m for m in records.members})
        repo.uploads.update({u.id: u for u in records.uploads})
        repo.runs.update({r.id: r for r in records.runs})
        for event in records.events:
            repo.events.setdefault(event.run_id, []).append(event)
        self.deployments.deployments.update({d.id: d for d in records.deployments})
        self.deployments.events.extend(records.deployment_events)
