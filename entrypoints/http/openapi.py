"""The OpenAPI 3.1 document, written as data beside the routes it describes.

A test checks that every route is documented here and every documented operation exists.
"""

from __future__ import annotations

from typing import Any

from entrypoints.http.openapi_schemas import SCHEMAS, ref
from entrypoints.http.routes import events

_ERROR_TEXT = {
    400: "Invalid input (the message says which)",
    401: "Not logged in, or the access token expired",
    403: "The caller's role in the project does not allow this",
    404: "No such thing — also any project the caller is not a member of",
    409: "Conflicts with the project's state",
    413: "A named limit was crossed (details.limit names it)",
    415: "Unsupported type, detected from the bytes",
    422: "A file or request that could not be processed",
    429: "Too many requests; see Retry-After",
    503: "A dependency (database) is unreachable; see Retry-After",
}
_BASE = (401, 429, 503)
_PROJECT = (400, 401, 403, 404, 429, 503)


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref(schema_name)}},
    }


def _errors(codes: tuple[int, ...]) -> dict[str, Any]:
    return {str(c): _json("Error", _ERROR_TEXT[c]) for c in sorted(set(codes))}


def _param(name: str, where: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


PROJECT_ID = _param("project_id", "path", {"type": "string"}, "The project's id")
UPLOAD_ID = _param("upload_id", "path", {"type": "string"}, "The upload's id")
MEMBER_ID = _param("user_id", "path", {"type": "string"}, "The member's user id")
RUN_ID = _param("run_id", "path", {"type": "string"}, "The run's id")
DEPLOYMENT_ID = _param("deployment_id", "path", {"type": "string"}, "The deployment's id")
VERSION_RANGE = _param(
    "range", "path", {"type": "string"},
    "A..B (run ids or commit ids, B compared with A), or one version (with the one before)",
)  # fmt: skip
PREVIEW_TOKEN = _param("token", "path", {"type": "string"}, "A preview token from POST …/preview")
PREVIEW_PATH = _param(
    "path", "path", {"type": "string"}, "A file of the static export; '' opens index.html"
)


def _op(
    summary: str,
    tag: str,
    ok: tuple[int, dict[str, Any]],
    errors: tuple[int, ...] = _PROJECT,
    *,
    params: tuple[dict[str, Any], ...] = (),
    body: str | None = None,
    public: bool = False,
) -> dict[str, Any]:
    status, response = ok
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": list(params),
        # Any request may be malformed (a control character in its path, say): 400 always.
        "responses": {str(status): response, **_errors((*errors, 400))},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        }
    if public:
        operation["security"] = []
    return operation


def _no_content(description: str) -> dict[str, Any]:
    return {"description": description}


REDIRECT = _param(
    "redirect",
    "query",
    {"type": "boolean"},
    "true: answer 307 to a short-lived presigned URL of the storage when it offers them (S3)",
)


def _downloadable(operation: dict[str, Any]) -> dict[str, Any]:
    """A download streamed by the API, or redirected to the storage with ``?redirect=true``."""
    operation["parameters"].append(REDIRECT)
    operation["responses"]["307"] = {
        "description": "Fetch the file from this short-lived URL instead",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
    return operation


def _binary(media_type: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }


_P = "/api/projects/{project_id}"
_U = (PROJECT_ID, UPLOAD_ID)
_R = (PROJECT_ID, RUN_ID)
PATHS: dict[str, dict[str, Any]] = {
    "/api/health": {
        "get": _op("Liveness", "system", (200, _json("Health", "Alive")), (), public=True)
    },
    "/api/ready": {
        "get": _op("Readiness: database, storage, queue", "system",
                   (200, _json("Ready", "Ready")), (503,), public=True)
    },
    "/api/openapi.json": {
        "get": _op("This document", "system",
                   (200, {"description": "OpenAPI 3.1", "content": {"application/json": {}}}),
                   (), public=True)
    },
    "/api/auth/register": {
        "post": _op("Register an account", "auth", (201, _json("UserEnvelope", "Registered")),
                    (400, 409, 413, 429, 503), body="Credentials", public=True)
    },
    "/api/auth/login": {
        "post": _op("Log in: access token, and the refresh cookie", "auth",
                    (200, _json("Login", "Logged in")), (400, 401, 413, 429, 503),
                    body="Credentials", public=True)
    },
    "/api/auth/refresh": {
        "post": _op("New access token from the refresh cookie (rotated)", "auth",
                    (200, _json("Login", "Refreshed")), (401, 429, 503), public=True)
    },
    "/api/auth/logout": {
        "post": _op("End the login session (refresh cookie)", "auth",
                    (204, _no_content("Logged out")), (429, 503), public=True)
    },
    "/api/auth/logout-everywhere": {
        "post": _op("End every login of the caller: all access and refresh tokens", "auth",
                    (204, _no_content("Logged out everywhere")), _BASE)
    },
    "/api/auth/me": {
        "get": _op("The caller", "auth", (200, _json("UserEnvelope", "Me")), (*_BASE, 404)),
        "delete": _op("Delete the caller's account (password confirms): owned projects and "
                      "their files are deleted, memberships elsewhere end", "auth",
                      (204, _no_content("Deleted")), (*_BASE, 400, 404, 413),
                      body="PasswordConfirmation"),
    },
    "/api/projects": {
        "post": _op("Create a project", "projects", (201, _json("Project", "Created")),
                    (*_BASE, 400, 413), body="ProjectCreate"),
        "get": _op("The caller's projects, newest first", "projects",
                   (200, _json("ProjectPage", "A page")), (*_BASE, 400),
                   params=(
                       _param("offset", "query", {"type": "integer", "minimum": 0}, "Skip"),
                       _param("limit", "query", {"type": "integer", "minimum": 1}, "Page size"),
                       _param("status", "query", {"type": "string"}, "Only this status"),
                   )),
    },
    _P: {
        "get": _op("A project", "projects", (200, _json("Project", "The project")),
                   params=(PROJECT_ID,)),
        "patch": _op("Change name or brand inputs, field by field", "projects",
                     (200, _json("Project", "Updated")), (*_PROJECT, 413),
                     params=(PROJECT_ID,), body="ProjectUpdate"),
        "delete": _op("Delete a project and its files", "projects",
                      (204, _no_content("Deleted")), (*_PROJECT, 409), params=(PROJECT_ID,)),
    },
    f"{_P}/members": {
        "get": _op("Members and roles", "projects", (200, _json("MemberList", "Members")),
                   params=(PROJECT_ID,)),
        "put": _op("Add a member or change their role (owner only)", "projects",
                   (200, _json("Member", "Set")), (*_PROJECT, 409, 413),
                   params=(PROJECT_ID,), body="MemberSet"),
    },
    f"{_P}/members/{{user_id}}": {
        "delete": _op("Remove a member (owner), or leave the project (any member)", "projects",
                      (204, _no_content("Removed")), (*_PROJECT, 409),
                      params=(PROJECT_ID, MEMBER_ID)),
    },
    f"{_P}/uploads": {
        "post": {
            **_op("Upload files (multipart, part name 'files')", "uploads",
                  (201, _json("UploadList", "Stored")), (*_PROJECT, 413, 415, 422),
                  params=(PROJECT_ID, _param("kind", "query",
                          {"type": "string", "enum": ["content", "branding", "moodboard"]},
                          "What the files are for (default content)"))),
            "requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": ref("UploadForm")}}},
        },
        "get": _op("The project's uploads", "uploads", (200, _json("UploadList", "Uploads")),
                   params=(PROJECT_ID,)),
    },
    f"{_P}/uploads/{{upload_id}}": {
        "get": _op("An upload's metadata", "uploads", (200, _json("Upload", "Upload")), params=_U),
        "delete": _op("Delete an upload", "uploads", (204, _no_content("Deleted")), params=_U),
    },
    f"{_P}/uploads/{{upload_id}}/content": {
        "get": _downloadable(_op("Download an upload", "uploads",
                   (200, _binary("application/octet-stream", "The bytes, as detected type")),
                   params=_U))
    },
    f"{_P}/conversation": {
        "post": _op("Start (or resume) the schema conversation", "conversation",
                    (200, _json("Conversation", "The conversation")), (*_PROJECT, 409, 413, 422),
                    params=(PROJECT_ID,), body="ConversationStart"),
        "get": _op("The conversation so far", "conversation",
                   (200, _json("Conversation", "The conversation")), (*_PROJECT, 409),
                   params=(PROJECT_ID,)),
    },
    f"{_P}/conversation/messages": {
        "post": _op("Say something: rename, add/remove field, change type, next, approve",
                    "conversation", (200, _json("Conversation", "The answer")),
                    (*_PROJECT, 409, 413), params=(PROJECT_ID,), body="Message"),
    },
    f"{_P}/schema": {
        "get": _op("The draft schema, and whether it is approved", "schema",
                   (200, _json("SchemaEnvelope", "Schema")), params=(PROJECT_ID,)),
        "put": _op("Replace the draft schema (400 with details.issues when invalid)", "schema",
                   (200, _json("SchemaEnvelope", "Saved")), (*_PROJECT, 409, 413),
                   params=(PROJECT_ID,), body="ContentSchema"),
    },
    f"{_P}/schema/validate": {
        "post": _op("Validate the draft, or the schema in the body", "schema",
                    (200, _json("ValidationResult", "Findings")), (*_PROJECT, 413),
                    params=(PROJECT_ID,), body="ContentSchema"),
    },
    f"{_P}/schema/approve": {
        "post": _op("Approve the draft schema: the project becomes ready", "schema",
                    (200, _json("SchemaEnvelope", "Approved")), (*_PROJECT, 409),
                    params=(PROJECT_ID,)),
    },
    f"{_P}/runs": {
        "post": _op("Start a generation run (queued)", "runs", (202, _json("Run", "Queued")),
                    (*_PROJECT, 409), params=(PROJECT_ID,)),
        "get": _op("The project's runs", "runs", (200, _json("RunList", "Runs")),
                   params=(PROJECT_ID,)),
    },
    f"{_P}/runs/{{run_id}}": {
        "get": _op("A run", "runs", (200, _json("Run", "Run")), params=_R),
    },
    f"{_P}/runs/{{run_id}}/cancel": {
        "post": _op("Cancel: stops at the next phase boundary", "runs",
                    (202, _json("Run", "Cancel requested")), (*_PROJECT, 409), params=_R),
    },
    f"{_P}/runs/{{run_id}}/retry": {
        "post": _op("Retry a failed or cancelled run from where it stopped", "runs",
                    (202, _json("Run", "Queued again")), (*_PROJECT, 409), params=_R),
    },
    f"{_P}/runs/{{run_id}}/events": {
        "get": _op("A run's stored progress events", "runs", (200, _json("EventList", "Events")),
                   params=(*_R, _param("after", "query", {"type": "integer", "minimum": 0},
                                       "Only events after this seq"))),
    },
    f"{_P}/site.zip": {
        "get": _downloadable(_op("The generated Kirby site", "outputs",
                   (200, _binary("application/zip", "site.zip")), params=(PROJECT_ID,))),
    },
    f"{_P}/tokens.json": {
        "get": _op("The design tokens (DTCG)", "outputs",
                   (200, {"description": "DTCG tokens", "content": {"application/json": {
                       "schema": {"type": "object"}}}}), params=(PROJECT_ID,)),
    },
    f"{_P}/report.json": {
        "get": _op("The generation report: what was made, left out or changed", "outputs",
                   (200, {"description": "report.json", "content": {"application/json": {
                       "schema": {"type": "object"}}}}), params=(PROJECT_ID,)),
    },
    f"{_P}/preview": {
        "post": _op("A link that opens the preview (the static export) in a frame", "outputs",
                    (200, _json("PreviewLink", "The preview's address and lifetime")),
                    params=(PROJECT_ID,)),
    },
    f"{_P}/preview/{{token}}/{{path}}": {
        "get": _op("A file of the preview; the token in the path authorises it", "outputs",
                   (200, _binary("text/html", "The page, stylesheet or image")),
                   (404, 429, 503), params=(PROJECT_ID, PREVIEW_TOKEN, PREVIEW_PATH),
                   public=True),
    },
    f"{_P}/versions": {
        "get": _op("The site's versions (one commit per run), newest first", "versions",
                   (200, _json("VersionList", "Versions")), params=(PROJECT_ID,)),
    },
    f"{_P}/versions/{{range}}": {
        "get": _op("What changed between two versions: files and the patch", "versions",
                   (200, _json("VersionDiff", "The diff")), params=(PROJECT_ID, VERSION_RANGE)),
    },
    f"{_P}/deployments": {
        "post": _op("Deploy the latest version (queued), or roll back to an earlier deployment",
                    "deployments", (202, _json("Deployment", "Queued")), (*_PROJECT, 409, 413),
                    params=(PROJECT_ID,), body="DeploymentCreate"),
        "get": _op("The project's deployments, newest first", "deployments",
                   (200, _json("DeploymentList", "Deployments")), params=(PROJECT_ID,)),
    },
    f"{_P}/deployments/{{deployment_id}}": {
        "get": _op("A deployment", "deployments", (200, _json("Deployment", "Deployment")),
                   params=(PROJECT_ID, DEPLOYMENT_ID)),
        "delete": _op("Stop a local deployment's server", "deployments",
                      (200, _json("Deployment", "Stopped")), (*_PROJECT, 409),
                      params=(PROJECT_ID, DEPLOYMENT_ID)),
    },
    f"{_P}/deployments/{{deployment_id}}/events": {
        "get": _op("A deployment's stored progress events", "deployments",
                   (200, _json("DeploymentEventList", "Events")),
                   params=(PROJECT_ID, DEPLOYMENT_ID,
                           _param("after", "query", {"type": "integer", "minimum": 0},
                                  "Only events after this seq"))),
    },
}  # fmt: skip

# OpenAPI has no WebSocket operations; they are listed in this extension instead.
WEBSOCKETS: dict[str, Any] = {
    f"{_P}/events": {
        "description": events.__doc__,
        "parameters": [
            PROJECT_ID,
            _param("token", "query", {"type": "string"}, "Access token (or send it first)"),
            _param("run", "query", {"type": "string"}, "Run id (default: the latest)"),
            _param("after", "query", {"type": "integer"}, "Skip events up to this seq"),
        ],
    }
}


def openapi_document(version: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kirby-Gen API",
            "version": version,
            "description": "Turn a person's material into an editable Kirby CMS site. "
            'Errors: {"error": {"code", "message", "details"}}; every response has X-Request-ID.',
        },
        "servers": [{"url": "/"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "security": [{"bearerAuth": []}],
        "x-websockets": WEBSOCKETS,
    }
