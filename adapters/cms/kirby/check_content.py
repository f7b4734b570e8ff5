"""Site check, part 2: content files parse, match their blueprints, and reference real files."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from adapters.cms.kirby.check_blueprints import Blueprint, BlueprintField
from adapters.cms.kirby.content_tree import (
    CONTENT_DIR,
    ContentText,
    PageOnDisk,
    read_pages,
    read_text,
)
from adapters.cms.kirby.kirby_types import STANDARD_FILE_KEYS, STANDARD_PAGE_KEYS
from domain.issues import Issue, Severity

_YAML_FIELD_TYPES = frozenset({"structure", "object", "entries", "files", "pages", "users"})
_FILE_REFERENCE = "file://"
_PAGE_REFERENCE = "page://"


def check_content(root: Path, blueprints: Mapping[str, Blueprint]) -> list[Issue]:
    issues: list[Issue] = []
    site_txt = root / CONTENT_DIR / "site.txt"
    if site_txt.is_file():
        site_text = read_text(root, site_txt)
        issues += _parse_issues(site_text)
        issues += _unknown_keys(site_text, blueprints.get("site"), STANDARD_PAGE_KEYS, "site.yml")
    else:
        issues.append(
            _error(
                "content.site_missing",
                f"{CONTENT_DIR}/site.txt",
                "Add content/site.txt "
                "with at least a `Title:` field; Kirby reads the site's title from it.",
            )
        )
    pages = read_pages(root)
    for required in ("home", "error"):
        if not any(p.page_id == required for p in pages):
            issues.append(
                _error(
                    f"content.{required}_missing",
                    f"{CONTENT_DIR}/{required}",
                    f"Add the folder content/{required}/ with {required}.txt in it; Kirby "
                    f"needs its '{required}' page.",
                )
            )
    index = _ReferenceIndex(pages)
    for page in pages:
        issues += _check_page(root, page, blueprints, index)
    return issues


class _ReferenceIndex:
    """Every page and file UUID and page id in the tree, to resolve references."""

    def __init__(self, pages: list[PageOnDisk]) -> None:
        self.pages_by_id = {p.page_id: p for p in pages}
        self.page_uuids = {u for p in pages if (u := _uuid(p.content))}
        self.file_uuids = {u for p in pages for f in p.files if (u := _uuid(f.meta))}


def _uuid(text: ContentText | None) -> str | None:
    if text is None or text.parsed is None:
        return None
    return text.parsed.fields.get("uuid") or None


def _check_page(
    root: Path, page: PageOnDisk, blueprints: Mapping[str, Blueprint], index: _ReferenceIndex
) -> Iterator[Issue]:
    for extra in page.extra_content_paths:
        stem = Path(extra).name.removesuffix(".txt")
        if "." in stem:
            # `photo.jpg.txt` without `photo.jpg`: metadata left behind by a removed file.
            message = (
                f"This is the metadata of '{stem}', which is not in the folder. "
                "Add the file or delete this metadata file."
            )
        else:
            message = (
                "A page folder holds one content file; Kirby ignores this one. "
                "Merge it into the page's content file or remove it."
            )
        yield _error("content.several_content_files", extra, message)
    for file in page.files:
        if file.meta is not None:
            yield from _parse_issues(file.meta)
            yield from _check_file_meta(file.meta, blueprints)
    if page.content is None:
        yield Issue(
            severity=Severity.WARNING,
            code="content.no_content_file",
            path=page.folder_path,
            message="This folder has no content file, so Kirby shows it with the default "
            "template. Add <template>.txt with a `Title:`.",
        )
        return
    yield from _parse_issues(page.content)
    template = page.template
    blueprint = blueprints.get(f"pages/{template}")
    if blueprint is None:
        yield _error(
            "blueprint.missing",
            page.content.path,
            f"Template '{template}' has no blueprint: add site/blueprints/pages/{template}.yml "
            "so the page can be edited in the Panel.",
        )
    if (
        not (root / "site/templates" / f"{template}.php").is_file()
        and not (root / "site/templates/default.php").is_file()
    ):
        yield _error(
            "template.missing",
            page.content.path,
            f"Neither site/templates/{template}.php nor site/templates/default.php exists; "
            "Kirby cannot render this page.",
        )
    if blueprint is not None and page.content.parsed is not None:
        yield from _unknown_keys(page.content, blueprint, STANDARD_PAGE_KEYS, blueprint.path)
        for field in blueprint.value_fields():
            value = page.content.parsed.fields.get(field.name)
            if value:
                yield from _check_value(page, field, value, page.content.path, index)


def _check_file_meta(meta: ContentText, blueprints: Mapping[str, Blueprint]) -> Iterator[Issue]:
    if meta.parsed is None:
        return
    template = meta.parsed.fields.get("template") or "default"
    blueprint = blueprints.get(f"files/{template}")
    if blueprint is None and template != "default":
        yield Issue(
            severity=Severity.WARNING,
            code="blueprint.file_missing",
            path=meta.path,
            message=f"File template '{template}' has no blueprint; add "
            f"site/blueprints/files/{template}.yml or the Panel shows no fields for it.",
        )
        return
    yield from _unknown_keys(meta, blueprint, STANDARD_FILE_KEYS, f"files/{template}.yml")


def _unknown_keys(
    text: ContentText, blueprint: Blueprint | None, standard: frozenset[str], where: str
) -> Iterator[Issue]:
    if text.parsed is None:
        return
    known = {f.name for f in blueprint.value_fields()} if blueprint else set()
    for key in text.parsed.fields:
        if key not in known and key not in standard:
            yield _error(
                "content.unknown_key",
                text.path,
                f"Key '{key}' is not a field of {where}; the Panel cannot show or keep it. "
                "Add the field to the blueprint or remove the key.",
            )


def _parse_issues(text: ContentText) -> Iterator[Issue]:
    if text.parsed is None:
        yield _error("content.not_utf8", text.path, "Save this content file as UTF-8.")
        return
    for line in text.parsed.bad_separators:
        yield _error(
            "content.bad_separator",
            text.path,
            f"The line '{line[:40]}' starts with ---- and is read as a field separator; "
            "write it as \\---- inside a value, or as exactly ---- between fields.",
        )
    for chunk in text.parsed.orphan_chunks:
        yield _error(
            "content.orphan_text",
            text.path,
            f"Text after a ---- line has no 'Key:' and is dropped by Kirby: "
            f"'{chunk[:40]}'. Escape a ---- line inside a value as \\----.",
        )
    for key in text.parsed.duplicate_keys:
        yield Issue(
            severity=Severity.WARNING,
            code="content.duplicate_key",
            path=text.path,
            message=f"Key '{key}' appears more than once; Kirby keeps only the last value.",
        )


def _check_value(
    page: PageOnDisk, field: BlueprintField, value: str, path: str, index: _ReferenceIndex
) -> Iterator[Issue]:
    if field.type == "blocks":
        try:
            json.loads(value)
        except ValueError as exc:
            yield _error("content.bad_json", path, f"Field '{field.name}' is not JSON: {exc}.")
        return
    if field.type not in _YAML_FIELD_TYPES:
        return
    try:
        data = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        yield _error("content.bad_yaml", path, f"Field '{field.name}' is not YAML: {exc}.")
        return
    yield from _check_data(page, field, data, path, index)


def _check_data(
    page: PageOnDisk, field: BlueprintField, data: object, path: str, index: _ReferenceIndex
) -> Iterator[Issue]:
    if field.type == "files":
        for reference in _references(data):
            if not _file_exists(page, reference, index):
                yield _error(
                    "content.file_missing",
                    path,
                    f"Field '{field.name}' references '{reference}', which is not in "
                    f"{page.folder_path}/. Add the file beside the page or remove the reference.",
                )
    elif field.type == "pages":
        for reference in _references(data):
            if not _page_exists(reference, index):
                yield Issue(
                    severity=Severity.WARNING,
                    code="content.page_missing",
                    path=path,
                    message=f"Field '{field.name}' points to '{reference}', which is no page "
                    "of this site; the link will not show.",
                )
    elif field.type in ("structure", "object"):
        rows = data if field.type == "structure" and isinstance(data, list) else [data]
        nested = {n.name: n for n in field.nested}
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            for key, nested_value in row.items():
                nested_field = nested.get(str(key).lower())
                if nested_field is None:
                    yield _error(
                        "content.unknown_key",
                        path,
                        f"Key '{key}' inside field '{field.name}' is not one of its fields.",
                    )
                elif nested_value not in (None, "", []):
                    yield from _check_nested(page, nested_field, nested_value, path, index)


def _check_nested(
    page: PageOnDisk, field: BlueprintField, value: object, path: str, index: _ReferenceIndex
) -> Iterator[Issue]:
    # Inside structures Kirby keeps lists and maps as YAML data, JSON fields as strings.
    if field.type == "blocks" and isinstance(value, str):
        yield from _check_value(page, field, value, path, index)
    elif field.type in _YAML_FIELD_TYPES:
        yield from _check_data(page, field, value, path, index)


def _references(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [str(item) for item in data if isinstance(item, str | int | float)]
    return []


def _file_exists(page: PageOnDisk, reference: str, index: _ReferenceIndex) -> bool:
    if reference.startswith(_FILE_REFERENCE):
        return reference[len(_FILE_REFERENCE) :] in index.file_uuids
    if "/" in reference:
        page_id, _, filename = reference.rpartition("/")
        owner = index.pages_by_id.get(page_id)
        return owner is not None and owner.file(filename) is not None
    return page.file(reference) is not None


def _page_exists(reference: str, index: _ReferenceIndex) -> bool:
    if reference.startswith(_PAGE_REFERENCE):
        return reference[len(_PAGE_REFERENCE) :] in index.page_uuids
    return reference.strip("/") in index.pages_by_id


def _error(code: str, path: str, message: str) -> Issue:
    return Issue(severity=Severity.ERROR, code=code, path=path, message=message)
