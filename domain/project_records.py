"""Every row of one project at once: what a project archive carries and an import restores."""

from __future__ import annotations

from collections import Counter

import attrs

from domain.project import (
    ACTIVE_RUN_STATUSES,
    Deployment,
    Membership,
    ProgressEvent,
    Project,
    Run,
    Upload,
    User,
)


@attrs.frozen
class ProjectRecords:
    project: Project
    members: tuple[Membership, ...] = ()
    # The members' accounts (password hashes included: see docs/operations.md).
    users: tuple[User, ...] = ()
    uploads: tuple[Upload, ...] = ()
    runs: tuple[Run, ...] = ()
    # Progress events of the runs, each with its run's id and its seq.
    events: tuple[ProgressEvent, ...] = ()
    deployments: tuple[Deployment, ...] = ()
    # Progress events of the deployments (``run_id`` names the deployment).
    deployment_events: tuple[ProgressEvent, ...] = ()

    def active_runs(self) -> list[Run]:
        return [run for run in self.runs if run.status in ACTIVE_RUN_STATUSES]

    def problems(self, storage_prefix: str) -> list[str]:
        """Why these rows cannot be one project's whose objects are stored under
        ``storage_prefix`` (an archive is untrusted input)."""
        pid = self.project.id
        found: list[str] = []

        def unique(what: str, keys: list[object]) -> None:
            twice = [key for key, count in Counter(keys).items() if count > 1]
            if twice:
                found.append(f"{what} {twice[0]!r} appears twice")

        for what, items in (
            ("member", self.members),
            ("upload", self.uploads),
            ("run", self.runs),
            ("deployment", self.deployments),
        ):
            strays = [item for item in items if item.project_id != pid]
            if strays:
                found.append(f"a {what} belongs to another project ({strays[0].project_id!r})")
        unique("member", [m.user_id for m in self.members])
        unique("user", [u.id for u in self.users])
        unique("upload", [u.id for u in self.uploads])
        unique("upload name", [u.original_name for u in self.uploads])
        unique("run", [r.id for r in self.runs])
        unique("deployment", [d.id for d in self.deployments])
        unique("run event", [(e.run_id, e.seq) for e in self.events])
        unique("deployment event", [(e.run_id, e.seq) for e in self.deployment_events])
        members = {m.user_id for m in self.members}
        if {u.id for u in self.users} != members:
            found.append("the users are not exactly the members' accounts")
        outside = [
            u.stored_key for u in self.uploads if not u.stored_key.startswith(storage_prefix)
        ]
        if outside:
            found.append(f"an upload is stored outside the project ({outside[0]!r})")
        runs = {r.id for r in self.runs}
        if any(e.run_id not in runs for e in self.events):
            found.append("an event belongs to no run of the project")
        deployments = {d.id for d in self.deployments}
        if any(e.run_id not in deployments for e in self.deployment_events):
            found.append("a deployment event belongs to no deployment of the project")
        if any(e.seq <= 0 for e in (*self.events, *self.deployment_events)):
            found.append("an event has no sequence number")
        return found
