"""Moving a project to another status."""

from __future__ import annotations

import attrs

from domain.ports import Clock, ProjectRepository
from domain.project import ProjectStatus


def set_project_status(
    repository: ProjectRepository, clock: Clock, project_id: str, status: ProjectStatus
) -> None:
    """Set the status of the project as stored now (re-read, so a concurrent change of its
    other fields is not overwritten); nothing happens when it is gone or already there."""
    project = repository.get_project(project_id)
    if project is not None and project.status is not status:
        repository.update_project(attrs.evolve(project, status=status, updated=clock.now()))
