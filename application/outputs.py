"""A project's generated outputs: the Kirby site archive, the design tokens, and the preview
(the static export of the last successful run)."""

from __future__ import annotations

import io
import mimetypes
import posixpath
import zipfile

import attrs

from application import keys
from application.access import ProjectAccess
from application.downloads import Download, open_download
from application.generate import ARTEFACT_DIR
from domain.accounts import PreviewTokens
from domain.errors import NotFound
from domain.ports import Storage
from domain.project import Role
from domain.refusals import Unauthenticated

PREVIEW_INDEX = "index.html"
REPORT_MEMBER = f"{ARTEFACT_DIR}/report.json"


@attrs.frozen
class PreviewLink:
    token: str
    expires_in: int


@attrs.frozen
class PreviewFile:
    data: bytes
    media_type: str


class OutputService:
    def __init__(
        self, *, storage: Storage, access: ProjectAccess, preview_tokens: PreviewTokens
    ) -> None:
        self._storage = storage
        self._access = access
        self._preview_tokens = preview_tokens

    def site_zip_download(self, project_id: str, user_id: str, *, redirect: bool) -> Download:
        """The Kirby site archive, streamed or as a presigned URL (see ``open_download``)."""
        self._access.require(project_id, user_id, Role.VIEWER)
        try:
            return open_download(
                self._storage,
                keys.site_zip_key(project_id),
                name="site.zip",
                media_type="application/zip",
                redirect=redirect,
            )
        except NotFound:
            raise NotFound(
                "no site.zip yet: it is made by a successful run", code="output_not_found"
            ) from None

    def site_zip(self, project_id: str, user_id: str) -> bytes:
        return self._read(project_id, user_id, keys.site_zip_key(project_id), "site.zip")

    def tokens(self, project_id: str, user_id: str) -> bytes:
        return self._read(project_id, user_id, keys.tokens_key(project_id), "tokens.json")

    def report(self, project_id: str, user_id: str) -> bytes:
        """The run's report.json, read from the site archive it travels in."""
        archive = self.site_zip(project_id, user_id)
        with zipfile.ZipFile(io.BytesIO(archive)) as site:
            try:
                return site.read(REPORT_MEMBER)
            except KeyError:
                raise NotFound(
                    "the site archive holds no report", code="output_not_found"
                ) from None

    def preview_link(self, project_id: str, user_id: str) -> PreviewLink:
        """A token that opens the project's preview for this member, when there is one."""
        self._access.require(project_id, user_id, Role.VIEWER)
        if not self._storage.exists(keys.preview_prefix(project_id) + PREVIEW_INDEX):
            raise NotFound(
                "no preview yet: it is made by a successful run", code="output_not_found"
            )
        token, lifetime = self._preview_tokens.issue(project_id, user_id)
        return PreviewLink(token=token, expires_in=lifetime)

    def preview_file(self, project_id: str, token: str, path: str) -> PreviewFile:
        """One file of the preview. Membership is checked again on every request, so a link
        stops working as soon as its holder leaves the project."""
        try:
            user_id = self._preview_tokens.verify(token, project_id)
        except Unauthenticated as exc:
            # The same answer as for a project the caller cannot see: nothing is revealed.
            raise NotFound(exc.message, code="preview_not_found") from None
        self._access.require(project_id, user_id, Role.VIEWER)
        relative = _preview_path(path)
        try:
            data = self._storage.get(keys.preview_prefix(project_id) + relative)
        except (NotFound, ValueError):
            raise NotFound(f"the preview has no {relative}", code="preview_not_found") from None
        media_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return PreviewFile(data=data, media_type=media_type)

    def _read(self, project_id: str, user_id: str, key: str, what: str) -> bytes:
        self._access.require(project_id, user_id, Role.VIEWER)
        try:
            return self._storage.get(key)
        except NotFound:
            raise NotFound(
                f"no {what} yet: it is made by a successful run", code="output_not_found"
            ) from None


def _preview_path(path: str) -> str:
    """The stored file a preview address names: folders open their index.html."""
    if path == "" or path.endswith("/"):
        path += PREVIEW_INDEX
    normal = posixpath.normpath(path)
    if normal.startswith(("../", "/")) or normal in (".", ".."):
        raise NotFound("the preview has no such file", code="preview_not_found")
    return normal
