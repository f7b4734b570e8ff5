"""Project membership checks: every project use case starts here."""

from __future__ import annotations

from domain.accounts import role_allows
from domain.errors import NotFound
from domain.ports import ProjectRepository
from domain.project import Membership, Project, Role
from domain.refusals import Forbidden


class ProjectAccess:
    def __init__(self, repository: ProjectRepository) -> None:
        self._repository = repository

    def require(self, project_id: str, user_id: str, needed: Role) -> Project:
        """The project when ``user_id`` is a member with at least ``needed``.

        A project the user is not a member of answers exactly like a missing one, so its
        existence is not revealed.
        """
        membership = self._repository.get_membership(project_id, user_id)
        project = self._repository.get_project(project_id) if membership else None
        return allowed_project(project_id, membership, project, needed)


def allowed_project(
    project_id: str, membership: Membership | None, project: Project | None, needed: Role
) -> Project:
    """The project when ``membership`` grants at least ``needed``; a non-member (or a missing
    project) gets NotFound, a member with too low a role Forbidden."""
    if membership is None or project is None:
        raise NotFound(f"no project {project_id!r}", code="project_not_found")
    if not role_allows(membership.role, needed):
        raise Forbidden(
            f"your role in this project is {membership.role.value}; "
            f"this needs {needed.value} or higher"
        )
    return project
