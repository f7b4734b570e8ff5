"""JSON Schemas of the API's bodies, as OpenAPI 3.1 components (see views.py)."""

from __future__ import annotations

from typing import Any

STRING: dict[str, Any] = {"type": "string"}
NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
TIMESTAMP: dict[str, Any] = {"type": "string", "format": "date-time"}
PROJECT_STATUSES = [
    "draft", "mapping", "ready", "generating", "generated", "deploying", "deployed", "failed",
    "cancelled",
]  # fmt: skip
PHASES = ["ingest", "mapping", "structuring", "design", "site", "versioning", "deployment"]
FIELD_TYPES = [
    "text", "textarea", "richtext", "markdown", "code", "number", "range", "boolean", "select",
    "multiselect", "radio", "checkboxes", "date", "time", "datetime", "image", "file", "gallery",
    "files", "list", "structure", "blocks", "json", "relation", "relations", "url", "email",
    "tel", "color", "location", "tags",
]  # fmt: skip


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


_USAGE_INTEGERS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "calls",
    "retries",
    "latency_ms",
)


def obj(required: list[str], /, **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def items_of(name: str) -> dict[str, Any]:
    return obj(["items"], items={"type": "array", "items": ref(name)})


_FIELD_OPTIONS = {
    "type": "object",
    "properties": {
        "min_length": {"type": ["integer", "null"]},
        "max_length": {"type": ["integer", "null"]},
        "pattern": NULLABLE_STRING,
        "min": {"type": ["number", "null"]},
        "max": {"type": ["number", "null"]},
        "step": {"type": ["number", "null"]},
        "choices": {"type": "array", "items": obj(["value", "label"], value=STRING, label=STRING)},
        "accept": {"type": "array", "items": STRING},
        "max_files": {"type": ["integer", "null"]},
        "fields": {"type": "array", "items": ref("Field")},
        "target_entity": NULLABLE_STRING,
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": obj(
        ["error"],
        error=obj(
            ["code", "message", "details"], code=STRING, message=STRING, details={"type": "object"}
        ),
    ),
    "Credentials": obj(["email", "password"], email=STRING, password=STRING),
    "PasswordConfirmation": obj(["password"], password=STRING),
    "User": obj(["id", "email"], id=STRING, email=STRING),
    "UserEnvelope": obj(["user"], user=ref("User")),
    "Login": obj(
        ["access_token", "token_type", "expires_in", "user"],
        access_token=STRING,
        token_type={"type": "string", "enum": ["bearer"]},
        expires_in={"type": "integer"},
        user=ref("User"),
    ),
    "Project": obj(
        ["id", "name", "owner_id", "status", "created", "updated", "brand_colors", "font"],
        id=STRING,
        name=STRING,
        owner_id=STRING,
        status={"type": "string", "enum": PROJECT_STATUSES},
        created=TIMESTAMP,
        updated=TIMESTAMP,
        brand_colors={"type": "array", "items": STRING},
        font=NULLABLE_STRING,
    ),
    "ProjectCreate": obj(
        ["name"],
        name=STRING,
        brand_colors={"type": "array", "items": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}},
        font=NULLABLE_STRING,
    ),
    "ProjectUpdate": obj(
        [],
        name=STRING,
        brand_colors={"type": "array", "items": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}},
        font=NULLABLE_STRING,
    ),
    "ProjectPage": obj(
        ["items", "total", "offset", "limit"],
        items={"type": "array", "items": ref("Project")},
        total={"type": "integer"},
        offset={"type": "integer"},
        limit={"type": "integer"},
    ),
    "Member": obj(
        ["user_id", "email", "role"],
        user_id=STRING,
        email=STRING,
        role={"type": "string", "enum": ["owner", "editor", "viewer"]},
    ),
    "MemberList": items_of("Member"),
    "MemberSet": obj(
        ["email", "role"], email=STRING, role={"type": "string", "enum": ["editor", "viewer"]}
    ),
    "Upload": obj(
        ["id", "project_id", "kind", "name", "media_type", "size", "sha256", "created"],
        id=STRING,
        project_id=STRING,
        kind={"type": "string", "enum": ["content", "branding", "moodboard"]},
        name=STRING,
        media_type=STRING,
        size={"type": "integer"},
        sha256=STRING,
        created=TIMESTAMP,
    ),
    "UploadList": items_of("Upload"),
    "UploadForm": {
        "type": "object",
        "required": ["files"],
        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    },
    "Field": obj(
        ["id", "label", "type"],
        id=STRING,
        label=STRING,
        type={"type": "string", "enum": FIELD_TYPES},
        required={"type": "boolean"},
        help=STRING,
        width={"type": "string", "enum": ["1/1", "1/2", "1/3", "1/4"]},
        options=_FIELD_OPTIONS,
    ),
    "Entity": obj(
        ["id", "name", "plural_name", "kind"],
        id=STRING,
        name=STRING,
        plural_name=STRING,
        kind={"type": "string", "enum": ["collection", "single"]},
        fields={"type": "array", "items": ref("Field")},
        description=STRING,
        display_field=STRING,
        icon=STRING,
        sortable={"type": "boolean"},
    ),
    "Relationship": obj(
        ["id", "type", "from_entity", "to_entity"],
        id=STRING,
        type={"type": "string", "enum": ["one-to-one", "one-to-many", "many-to-many"]},
        from_entity=STRING,
        to_entity=STRING,
        label=STRING,
    ),
    "ContentSchema": obj(
        ["name"],
        name=STRING,
        entities={"type": "array", "items": ref("Entity")},
        relationships={"type": "array", "items": ref("Relationship")},
        version={"type": "integer"},
    ),
    "SchemaEnvelope": obj(
        ["schema", "approved"], schema=ref("ContentSchema"), approved={"type": "boolean"}
    ),
    "Issue": obj(
        ["severity", "code", "path", "message"],
        severity={"type": "string", "enum": ["error", "warning", "info"]},
        code=STRING,
        path=STRING,
        message=STRING,
    ),
    "ValidationResult": obj(
        ["valid", "issues"],
        valid={"type": "boolean"},
        issues={"type": "array", "items": ref("Issue")},
    ),
    "ConversationStart": obj([], restart={"type": "boolean"}),
    "Message": obj(["text"], text=STRING),
    "Conversation": obj(
        ["project_id", "turns", "approved", "question", "reply", "schema"],
        project_id=STRING,
        turns={
            "type": "array",
            "items": obj(
                ["role", "text"],
                role={"type": "string", "enum": ["assistant", "user"]},
                text=STRING,
                # Model tokens the turn took (0 for the guided questions).
                tokens={"type": "integer", "minimum": 0},
            ),
        },
        approved={"type": "boolean"},
        question=STRING,
        reply=STRING,
        schema=ref("ContentSchema"),
    ),
    "Run": obj(
        [
            "id",
            "project_id",
            "status",
            "created",
            "started",
            "finished",
            "completed_phases",
            "failure",
            "usage",
        ],
        id=STRING,
        project_id=STRING,
        status={
            "type": "string",
            "enum": ["queued", "running", "succeeded", "failed", "cancelled"],
        },
        created=TIMESTAMP,
        started={"type": ["string", "null"], "format": "date-time"},
        finished={"type": ["string", "null"], "format": "date-time"},
        completed_phases={"type": "array", "items": {"type": "string", "enum": PHASES}},
        commit_id=NULLABLE_STRING,
        deployment_id=NULLABLE_STRING,
        failure={
            "oneOf": [
                {"type": "null"},
                obj(
                    ["phase", "code", "message"],
                    # setup / finish: before the first phase or after the last
                    phase={"type": "string", "enum": [*PHASES, "setup", "finish"]},
                    code=STRING,
                    message=STRING,
                ),
            ]
        },
        # Language-model use of the run, summed over its attempts.
        usage=obj(
            [*_USAGE_INTEGERS, "cost_usd"],
            **{name: {"type": "integer", "minimum": 0} for name in _USAGE_INTEGERS},
            cost_usd={"type": "number", "minimum": 0},
        ),
    ),
    "RunList": items_of("Run"),
    "Version": obj(
        ["commit", "run_id", "subject", "message", "author", "created"],
        commit=STRING,
        run_id=NULLABLE_STRING,
        subject=STRING,
        message=STRING,
        author=STRING,
        created=TIMESTAMP,
    ),
    "VersionList": items_of("Version"),
    "VersionDiff": obj(
        ["from", "to", "files", "patch", "truncated"],
        **{"from": NULLABLE_STRING},
        to=STRING,
        files={
            "type": "array",
            "items": obj(
                ["path", "change"],
                path=STRING,
                change={"type": "string", "enum": ["added", "removed", "changed"]},
            ),
        },
        patch=STRING,
        truncated={"type": "boolean"},
    ),
    "DeploymentCreate": {
        "type": "object",
        "properties": {
            "target": {"type": "string", "enum": ["local", "render", "s3"]},
            "rollback_of": STRING,
        },
    },
    "Deployment": obj(
        [
            "id",
            "project_id",
            "target",
            "url",
            "status",
            "commit",
            "created",
            "finished",
            "error",
            "rollback_of",
        ],
        id=STRING,
        project_id=STRING,
        target={"type": "string", "enum": ["local", "render", "s3"]},
        url=NULLABLE_STRING,
        status={"type": "string", "enum": ["queued", "deploying", "live", "failed", "stopped"]},
        commit=NULLABLE_STRING,
        created=TIMESTAMP,
        finished={"type": ["string", "null"], "format": "date-time"},
        error=NULLABLE_STRING,
        rollback_of=NULLABLE_STRING,
    ),
    "DeploymentList": items_of("Deployment"),
    "DeploymentEvent": obj(
        ["deployment_id", "seq", "phase", "status", "percent", "message", "ts"],
        deployment_id=STRING,
        seq={"type": "integer"},
        phase={"type": "string", "enum": PHASES},
        status={"type": "string", "enum": ["started", "progress", "completed", "failed"]},
        percent={"type": "integer", "minimum": 0, "maximum": 100},
        message=STRING,
        ts=TIMESTAMP,
    ),
    "DeploymentEventList": items_of("DeploymentEvent"),
    "PreviewLink": obj(["url", "expires_in"], url=STRING, expires_in={"type": "integer"}),
    "Event": obj(
        ["run_id", "seq", "phase", "status", "percent", "message", "ts"],
        run_id=STRING,
        seq={"type": "integer"},
        phase={"type": "string", "enum": PHASES},
        status={"type": "string", "enum": ["started", "progress", "completed", "failed"]},
        percent={"type": "integer", "minimum": 0, "maximum": 100},
        message=STRING,
        ts=TIMESTAMP,
    ),
    "EventList": items_of("Event"),
    "Health": obj(["status"], status={"type": "string", "enum": ["ok"]}),
    "Ready": obj(
        ["status", "checks"],
        status={"type": "string", "enum": ["ready"]},
        checks={"type": "object", "additionalProperties": ref("Check")},
    ),
    # One dependency (database, redis, storage, queue) and how long it took to answer.
    "Check": obj(
        ["status", "latency_ms"],
        status={"type": "string", "enum": ["ok", "down"]},
        latency_ms={"type": "number", "minimum": 0},
        error=STRING,
    ),
}
