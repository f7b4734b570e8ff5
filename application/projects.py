"""Projects and their members: create, list, read, update (field by field), delete."""

from __future__ import annotations

import re

import attrs

from application import keys
from application.access import ProjectAccess
from domain.errors import InvalidInput, NotFound
from domain.ports import Clock, IdGenerator, Page, ProjectRepository, SessionStore, Storage
from domain.project import ACTIVE_RUN_STATUSES, Membership, Project, ProjectStatus, Role
from domain.refusals import Conflict

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_NAME_CHARS = 200
MAX_FONT_CHARS = 100
MAX_BRAND_COLOURS = 12


class _Unset:
    """Marks a field the caller did not send (distinct from sending null)."""


UNSET = _Unset()


@attrs.frozen
class ProjectChanges:
    """An update: only the fields given are changed; uploads are never touched by it."""

    name: str | _Unset = UNSET
    brand_colors: tuple[str, ...] | _Unset = UNSET
    font: str | _Unset | None = UNSET


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"the name needs 1 to {MAX_NAME_CHARS} characters", code="invalid_name")
    return name


def check_colours(colours: tuple[str, ...]) -> tuple[str, ...]:
    if len(colours) > MAX_BRAND_COLOURS:
        raise InvalidInput(f"at most {MAX_BRAND_COLOURS} brand colours", code="invalid_colours")
    bad = [c for c in colours if not HEX_COLOUR.match(c)]
    if bad:
        raise InvalidInput(
            f"brand colours must look like #1f6feb; not {', '.join(bad)}", code="invalid_colours"
        )
    return tuple(c.lower() for c in colours)


def check_font(font: str | None) -> str | None:
    if font is None:
        return None
    font = font.strip()
    if len(font) > MAX_FONT_CHARS:
        raise InvalidInput(
            f"the font name is over {MAX_FONT_CHARS} characters", code="invalid_font"
        )
    return font or None


class ProjectService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        storage: Storage,
        sessions: SessionStore,
        access: ProjectAccess,
        clock: Clock,
        ids: IdGenerator,
        ttl_seconds: int,
    ) -> None:
        self._ttl = ttl_seconds
        self._repository = repository
        self._storage = storage
        self._sessions = sessions
        self._access = access
        self._clock = clock
        self._ids = ids

    def create(
        self, user_id: str, name: str, brand_colors: tuple[str, ...] = (), font: str | None = None
    ) -> Project:
        now = self._clock.now()
        project = Project(
            id=self._ids.new_id(),
            name=check_name(name),
            owner_id=user_id,
            status=ProjectStatus.DRAFT,
            created=now,
            updated=now,
            brand_colors=check_colours(brand_colors),
            font=check_font(font),
        )
        # One transaction: a project never exists without its owner (an outage in between
        # would leave one nobody can see or delete).
        self._repository.add_project(project, [Membership(project.id, user_id, Role.OWNER)])
        return project

    def browse(
        self, user_id: str, *, status: ProjectStatus | None, offset: int, limit: int
    ) -> Page:
        return self._repository.list_projects(user_id, status=status, offset=offset, limit=limit)

    def get(self, project_id: str, user_id: str) -> Project:
        return self._access.require(project_id, user_id, Role.VIEWER)

    def update(self, project_id: str, user_id: str, changes: ProjectChanges) -> Project:
        project = self._access.require(project_id, user_id, Role.EDITOR)
        values: dict[str, object] = {}
        if not isinstance(changes.name, _Unset):
            values["name"] = check_name(changes.name)
        if not isinstance(changes.brand_colors, _Unset):
            values["brand_colors"] = check_colours(changes.brand_colors)
        if not isinstance(changes.font, _Unset):
            values["font"] = check_font(changes.font)
        if not values:
            return project
        updated = attrs.evolve(project, **values, updated=self._clock.now())  # type: ignore[arg-type]
        self._repository.update_project(updated)
        return updated

    def delete(self, project_id: str, user_id: str) -> None:
        """Delete the project, its records and every file it stored; an active run is
        cancelled (its worker stops at the next phase boundary and finds the project gone)."""
        self._access.require(project_id, user_id, Role.OWNER)
        self.erase(project_id)

    def erase(self, project_id: str) -> None:
        """Remove a project and everything it holds (no access check: callers decide)."""
        for run in self._repository.list_runs(project_id):
            if run.status in ACTIVE_RUN_STATUSES:
                self._sessions.put(keys.run_cancel_session(run.id), b"1", self._ttl)
        # Rows first: once the project row is gone, a concurrent start, upload or membership
        # change finds no project (they lock its row) and answers 404.
        self._repository.delete_project(project_id)
        self._storage.delete_prefix(keys.project_prefix(project_id))
        self._sessions.delete(keys.conversation_session(project_id))

    def members(self, project_id: str, user_id: str) -> list[tuple[Membership, str]]:
        """Members with their e-mail addresses."""
        self._access.require(project_id, user_id, Role.VIEWER)
        found = []
        for membership in self._repository.list_members(project_id):
            user = self._repository.get_user(membership.user_id)
            found.append((membership, user.email if user else ""))
        return found

    def set_member(self, project_id: str, user_id: str, email: str, role: Role) -> Membership:
        """Add a registered user to the project, or change their role (owners only)."""
        project = self._access.require(project_id, user_id, Role.OWNER)
        member = self._repository.get_user_by_email(email.strip())
        if member is None:
            raise NotFound("no registered user has this e-mail address", code="user_not_found")
        if member.id == project.owner_id:
            raise Conflict("the project's owner keeps the owner role", code="owner_role")
        membership = Membership(project_id, member.id, role)
        self._repository.set_membership(membership)
        return membership

    def remove_member(self, project_id: str, user_id: str, member_id: str) -> None:
        """Take a member out of the project: the owner removes anyone but themselves; any
        member may leave. What they uploaded or changed stays with the project."""
        needed = Role.VIEWER if member_id == user_id else Role.OWNER
        project = self._access.require(project_id, user_id, needed)
        if member_id == project.owner_id:
            raise Conflict(
                "the owner cannot leave or be removed; delete the project instead",
                code="owner_role",
            )
        if not self._repository.remove_membership(project_id, member_id):
            raise NotFound(f"no member {member_id!r} in this project", code="member_not_found")
