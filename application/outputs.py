"""A project's generated outputs: the Kirby site archive and the design tokens."""

from __future__ import annotations

from application import keys
from application.access import ProjectAccess
from domain.errors import NotFound
from domain.ports import Storage
from domain.project import Role


class OutputService:
    def __init__(self, *, storage: Storage, access: ProjectAccess) -> None:
        self._storage = storage
        self._access = access

    def site_zip(self, project_id: str, user_id: str) -> bytes:
        return self._read(project_id, user_id, keys.site_zip_key(project_id), "site.zip")

    def tokens(self, project_id: str, user_id: str) -> bytes:
        return self._read(project_id, user_id, keys.tokens_key(project_id), "tokens.json")

    def _read(self, project_id: str, user_id: str, key: str, what: str) -> bytes:
        self._access.require(project_id, user_id, Role.VIEWER)
        try:
            return self._storage.get(key)
        except NotFound:
            raise NotFound(
                f"no {what} yet: it is made by a successful run", code="output_not_found"
            ) from None
