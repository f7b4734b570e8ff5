"""A project's content schema: the draft being shaped, and the approved one runs generate from."""

from __future__ import annotations

import attrs

from application import keys
from application.access import ProjectAccess
from application.locks import ProjectLocks
from application.project_status import set_project_status
from domain.errors import InvalidInput, NotFound
from domain.issues import Issue, Severity
from domain.ports import Clock, ProjectRepository, Storage
from domain.project import ACTIVE_RUN_STATUSES, Project, ProjectStatus, Role
from domain.refusals import Conflict
from domain.schema import ContentSchema
from domain.serialization import from_json, to_json
from domain.validation import SchemaLimits, validate_schema


class SchemaInvalid(InvalidInput):
    """The schema has errors; ``issues`` lists every finding."""

    code = "schema_invalid"

    def __init__(self, message: str, issues: list[Issue]) -> None:
        super().__init__(message)
        self.issues = issues


class SchemaStore:
    """Draft and approved schemas as JSON in the storage port."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def draft(self, project_id: str) -> ContentSchema | None:
        return self._load(keys.draft_schema_key(project_id))

    def approved(self, project_id: str) -> ContentSchema | None:
        return self._load(keys.approved_schema_key(project_id))

    def save_draft(self, project_id: str, schema: ContentSchema) -> None:
        self._storage.put(keys.draft_schema_key(project_id), to_json(schema).encode())
        # A changed draft is no longer what was approved.
        self._storage.delete(keys.approved_schema_key(project_id))

    def save_approved(self, project_id: str, schema: ContentSchema) -> None:
        self._storage.put(keys.approved_schema_key(project_id), to_json(schema).encode())

    def _load(self, key: str) -> ContentSchema | None:
        try:
            return from_json(self._storage.get(key), ContentSchema)
        except NotFound:
            return None


@attrs.frozen
class SchemaView:
    schema: ContentSchema
    approved: bool


class SchemaService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        store: SchemaStore,
        access: ProjectAccess,
        clock: Clock,
        limits: SchemaLimits,
        locks: ProjectLocks,
    ) -> None:
        self._locks = locks
        self._repository = repository
        self._store = store
        self._access = access
        self._clock = clock
        self._limits = limits

    def get(self, project_id: str, user_id: str) -> SchemaView:
        self._access.require(project_id, user_id, Role.VIEWER)
        return self._view(project_id)

    def put(self, project_id: str, user_id: str, schema: ContentSchema) -> SchemaView:
        project = self._access.require(project_id, user_id, Role.EDITOR)
        self.check(schema)
        with self._locks.hold(project_id):
            self._refuse_while_generating(project)
            self._store.save_draft(project_id, schema)
            set_project_status(self._repository, self._clock, project.id, ProjectStatus.MAPPING)
        return SchemaView(schema=schema, approved=False)

    def validate(self, project_id: str, user_id: str, schema: ContentSchema | None) -> list[Issue]:
        self._access.require(project_id, user_id, Role.VIEWER)
        if schema is None:
            schema = self._view(project_id).schema
        return validate_schema(schema, self._limits)

    def approve(self, project_id: str, user_id: str) -> SchemaView:
        project = self._access.require(project_id, user_id, Role.EDITOR)
        with self._locks.hold(project_id):
            self._refuse_while_generating(project)
            schema = self._view(project_id).schema
            self.check(schema)
            self._store.save_approved(project_id, schema)
            set_project_status(self._repository, self._clock, project.id, ProjectStatus.READY)
        return SchemaView(schema=schema, approved=True)

    def check(self, schema: ContentSchema) -> None:
        problems = [
            i for i in validate_schema(schema, self._limits) if i.severity is Severity.ERROR
        ]
        if problems:
            listed = "; ".join(f"{i.path}: {i.message}" for i in problems[:3])
            raise SchemaInvalid(f"the schema has {len(problems)} error(s): {listed}", problems)

    def _view(self, project_id: str) -> SchemaView:
        draft = self._store.draft(project_id)
        if draft is None:
            raise NotFound(
                "this project has no schema yet: start the conversation or PUT one",
                code="schema_not_found",
            )
        approved = self._store.approved(project_id)
        return SchemaView(schema=draft, approved=approved == draft)

    def _refuse_while_generating(self, project: Project) -> None:
        runs = self._repository.list_runs(project.id)
        if any(r.status in ACTIVE_RUN_STATUSES for r in runs):
            raise Conflict("the schema cannot change while a run is generating", code="run_active")
