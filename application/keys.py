"""Where a project's things live in the storage port. Keys are built here, never from input."""

from __future__ import annotations


def project_prefix(project_id: str) -> str:
    return f"projects/{project_id}/"


def upload_key(project_id: str, upload_id: str) -> str:
    return f"projects/{project_id}/uploads/{upload_id}"


def draft_schema_key(project_id: str) -> str:
    return f"projects/{project_id}/schema/draft.json"


def approved_schema_key(project_id: str) -> str:
    return f"projects/{project_id}/schema/approved.json"


def checkpoints_prefix(project_id: str) -> str:
    # One set per project: a retry resumes from it, and a new run reuses unchanged phases.
    return f"projects/{project_id}/checkpoints"


def site_zip_key(project_id: str) -> str:
    return f"projects/{project_id}/outputs/site.zip"


def tokens_key(project_id: str) -> str:
    return f"projects/{project_id}/outputs/tokens.json"


def preview_prefix(project_id: str) -> str:
    """The static export of the last successful run, file by file."""
    return f"projects/{project_id}/outputs/preview/"


def versions_prefix(project_id: str) -> str:
    """The site's version history (a git bundle and the pointer naming its head)."""
    return f"projects/{project_id}/versions/"


def versions_head_key(project_id: str) -> str:
    return f"projects/{project_id}/versions/head"


def versions_bundle_key(project_id: str, head: str) -> str:
    return f"projects/{project_id}/versions/{head}.bundle"


# Session store keys (short-lived state).


def conversation_session(project_id: str) -> str:
    return f"conversation:{project_id}"


def run_cancel_session(run_id: str) -> str:
    return f"run-cancel:{run_id}"


def run_job_session(run_id: str) -> str:
    return f"run-job:{run_id}"


def run_lease_session(run_id: str) -> str:
    """Held (with a short time to live, renewed) by the worker handling the run."""
    return f"run-lease:{run_id}"


def run_resumes_session(run_id: str) -> str:
    """How many times the run was resumed after the process handling it died."""
    return f"run-resumes:{run_id}"
