"""The project repository in dicts, with the SQL repository's rules (see the contract tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs
from attrs import AttrsInstance

from domain.errors import InvalidInput, NotFound
from domain.names import name_candidates
from domain.ports import CallerAccess, Page
from domain.project import (
    ACTIVE_RUN_STATUSES,
    Membership,
    ProgressEvent,
    Project,
    ProjectStatus,
    Run,
    Upload,
    User,
)
from domain.refusals import Conflict


def _require_aware(obj: AttrsInstance) -> None:
    # The SQL repository refuses naive datetimes; so does the fake, or tests would pass here
    # and fail there.
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if isinstance(value, datetime) and value.utcoffset() is None:
            raise ValueError(f"naive datetime in {type(obj).__name__}.{field.name}")


class FakeProjectRepository:
    """``ProjectRepository`` in memory. The dicts are public for direct inspection."""

    def __init__(self) -> None:
        self.projects: dict[str, Project] = {}
        self.runs: dict[str, Run] = {}
        self.events: dict[str, list[ProgressEvent]] = {}
        self.uploads: dict[str, Upload] = {}
        self.users: dict[str, User] = {}
        self.memberships: dict[tuple[str, str], Membership] = {}

    # --- projects -----------------------------------------------------------------------------

    def add_project(self, project: Project, members: Sequence[Membership] = ()) -> None:
        _require_aware(project)
        if project.id in self.projects:
            raise InvalidInput(f"project {project.id!r} already exists", code="duplicate")
        if any(member.project_id != project.id for member in members):
            raise ValueError("a new project's members must belong to it")
        self.projects[project.id] = project
        for member in members:
            self.memberships[(project.id, member.user_id)] = member

    def get_project(self, project_id: str) -> Project | None:
        return self.projects.get(project_id)

    def update_project(self, project: Project) -> None:
        _require_aware(project)
        if project.id not in self.projects:
            raise NotFound(f"no project {project.id!r}")
        self.projects[project.id] = project

    def delete_project(self, project_id: str) -> None:
        # Mirrors ON DELETE CASCADE.
        self.projects.pop(project_id, None)
        for run in [run for run in self.runs.values() if run.project_id == project_id]:
            del self.runs[run.id]
            self.events.pop(run.id, None)
        for upload in [u for u in self.uploads.values() if u.project_id == project_id]:
            del self.uploads[upload.id]
        for key in [key for key in self.memberships if key[0] == project_id]:
            del self.memberships[key]

    def list_projects(
        self, user_id: str, *, status: ProjectStatus | None, offset: int, limit: int
    ) -> Page:
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        mine = [
            self.projects[project_id]
            for (project_id, member_id) in self.memberships
            if member_id == user_id
        ]
        if status is not None:
            mine = [project for project in mine if project.status is status]
        mine.sort(key=lambda project: (project.created, project.id), reverse=True)
        return Page(items=tuple(mine[offset : offset + limit]), total=len(mine))

    # --- runs ---------------------------------------------------------------------------------

    def add_run(self, run: Run) -> None:
        _require_aware(run)
        self._require_project(run.project_id)
        if run.id in self.runs:
            raise InvalidInput(f"run {run.id!r} already exists", code="duplicate")
        self._refuse_second_active(run)
        self.runs[run.id] = run

    def get_run(self, run_id: str) -> Run | None:
        return self.runs.get(run_id)

    def update_run(self, run: Run) -> None:
        _require_aware(run)
        if run.id not in self.runs:
            raise NotFound(f"no run {run.id!r}")
        self._refuse_second_active(run)
        self.runs[run.id] = run

    def _refuse_second_active(self, run: Run) -> None:
        # The SQL repository's partial unique index: one active run per project.
        if run.status in ACTIVE_RUN_STATUSES and any(
            r.status in ACTIVE_RUN_STATUSES and r.id != run.id
            for r in self.list_runs(run.project_id)
        ):
            raise Conflict("a run of this project is already in progress", code="run_active")

    def list_runs(self, project_id: str) -> list[Run]:
        runs = [run for run in self.runs.values() if run.project_id == project_id]
        return sorted(runs, key=lambda run: (run.created, run.id))

    def list_active_runs(self) -> list[Run]:
        runs = [run for run in self.runs.values() if run.status in ACTIVE_RUN_STATUSES]
        return sorted(runs, key=lambda run: (run.created, run.id))

    # --- progress events ----------------------------------------------------------------------

    def append_event(self, event: ProgressEvent) -> ProgressEvent:
        _require_aware(event)
        if event.run_id not in self.runs:
            raise NotFound(f"no run {event.run_id!r}")
        events = self.events.setdefault(event.run_id, [])
        stored = attrs.evolve(event, seq=len(events) + 1)
        events.append(stored)
        return stored

    def list_events(self, run_id: str, *, after_seq: int = 0) -> list[ProgressEvent]:
        return [event for event in self.events.get(run_id, []) if event.seq > after_seq]

    # --- uploads ------------------------------------------------------------------------------

    def add_upload(self, upload: Upload) -> Upload:
        _require_aware(upload)
        self._require_project(upload.project_id)
        if upload.id in self.uploads:
            raise InvalidInput(f"upload {upload.id!r} already exists", code="duplicate")
        taken = {u.original_name for u in self.list_uploads(upload.project_id)}
        name = next(n for n in name_candidates(upload.original_name) if n not in taken)
        stored = attrs.evolve(upload, original_name=name)
        self.uploads[upload.id] = stored
        return stored

    def get_upload(self, upload_id: str) -> Upload | None:
        return self.uploads.get(upload_id)

    def list_uploads(self, project_id: str) -> list[Upload]:
        uploads = [u for u in self.uploads.values() if u.project_id == project_id]
        return sorted(uploads, key=lambda upload: (upload.created, upload.id))

    def delete_upload(self, upload_id: str) -> None:
        self.uploads.pop(upload_id, None)

    # --- users and memberships ----------------------------------------------------------------

    def add_user(self, user: User) -> None:
        if user.id in self.users:
            raise InvalidInput(f"user {user.id!r} already exists", code="duplicate")
        if self.get_user_by_email(user.email) is not None:
            raise InvalidInput("this e-mail address is already registered", code="email_taken")
        self.users[user.id] = user

    def get_user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def get_user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        for user in self.users.values():
            if user.email.strip().lower() == wanted:
                return user
        return None

    def token_version(self, user_id: str) -> int | None:
        user = self.users.get(user_id)
        return None if user is None else user.token_version

    def caller_access(self, user_id: str, project_id: str) -> CallerAccess | None:
        user = self.users.get(user_id)
        if user is None:
            return None
        membership = self.memberships.get((project_id, user_id))
        project = self.projects.get(project_id) if membership else None
        return CallerAccess(user.token_version, membership, project)

    def revoke_tokens(self, user_id: str) -> None:
        user = self.users.get(user_id)
        if user is not None:
            self.users[user_id] = attrs.evolve(user, token_version=user.token_version + 1)

    def delete_user(self, user_id: str) -> None:
        self.users.pop(user_id, None)
        for key in [k for k in self.memberships if k[1] == user_id]:
            del self.memberships[key]

    def remove_membership(self, project_id: str, user_id: str) -> bool:
        return self.memberships.pop((project_id, user_id), None) is not None

    def set_membership(self, membership: Membership) -> None:
        self._require_project(membership.project_id)
        self.memberships[(membership.project_id, membership.user_id)] = membership

    def get_membership(self, project_id: str, user_id: str) -> Membership | None:
        return self.memberships.get((project_id, user_id))

    def list_members(self, project_id: str) -> list[Membership]:
        members = [m for (pid, _), m in self.memberships.items() if pid == project_id]
        return sorted(members, key=lambda membership: membership.user_id)

    def _require_project(self, project_id: str) -> None:
        if project_id not in self.projects:
            raise NotFound(f"no project {project_id!r}")
