"""``KirbyAdapter``: a ``SiteSpec`` in, the complete folder of a Kirby 5 site out."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.cms.kirby import scaffold
from adapters.cms.kirby.blueprints import build_blueprints, home_gallery_field
from adapters.cms.kirby.deploy_files import README_SECTION, deploy_files
from adapters.cms.kirby.layout import (
    HOME,
    IMAGE_FILE_TEMPLATE,
    PagePlan,
    SiteLayout,
    page_fields,
    plan_site,
)
from adapters.cms.kirby.naming import alt_text_from_filename, stable_uuid
from adapters.cms.kirby.templates import build_templates
from adapters.cms.kirby.theme import build_theme
from adapters.cms.kirby.txt import encode
from adapters.cms.kirby.values import PageFiles, ValueEncoder
from adapters.cms.kirby.yaml_text import dump_yaml
from domain.site import MediaAsset, SiteFile, SiteSpec

CONTENT_ROOT = "content"

GITIGNORE = """# Kirby's core and Composer's folder: installed with `composer install`
/kirby
/vendor

# Written by Kirby while it runs
/media/*
/site/accounts
/site/cache
/site/sessions
/site/logs
.lock
"""


class KirbyAdapter:
    """Implements ``domain.ports.CmsAdapter`` for Kirby 5.

    The output is deterministic: the same ``SiteSpec`` always gives the same files with the
    same bytes, in path order, so regenerating a site only touches what changed.
    """

    name = "kirby"

    def build(self, site: SiteSpec) -> list[SiteFile]:
        layout = plan_site(site)
        files: dict[str, bytes] = {}

        def put(path: str, data: str | bytes) -> None:
            if path in files:
                raise ValueError(f"Two generated files share the path '{path}'.")
            files[path] = data.encode("utf-8") if isinstance(data, str) else data

        put("index.php", scaffold.INDEX_PHP)
        put("composer.json", scaffold.composer_json(site.title))
        put(".htaccess", scaffold.HTACCESS)
        put(".gitignore", GITIGNORE)
        put("README.md", scaffold.readme(site.title) + README_SECTION)
        for path, text in deploy_files(site.title).items():
            put(path, text)
        put("site/config/config.php", scaffold.CONFIG_PHP)
        put(scaffold.PLUGIN_PATH, scaffold.plugin_php())
        put(f"{CONTENT_ROOT}/site.txt", encode([("title", site.title)]))

        media = {asset.name: asset for asset in site.media}
        has_loose = any(not asset.placed for asset in site.media)
        for page in layout.pages:
            for path, data in _page_files(site, layout, page, media).items():
                put(path, data)
        for group in (
            build_blueprints(site.schema, layout, has_gallery=has_loose),
            build_templates(site.schema, layout, has_gallery=has_loose),
            build_theme(site.design),
        ):
            for path, text in group.items():
                put(path, text)
        return [SiteFile(path=path, data=data) for path, data in sorted(files.items())]


def _page_files(
    site: SiteSpec, layout: SiteLayout, page: PagePlan, media: Mapping[str, MediaAsset]
) -> dict[str, str | bytes]:
    """The content file of one page and the media files (with metadata) it owns."""
    folder = f"{CONTENT_ROOT}/{page.folder}"
    page_files = PageFiles()
    fields: list[tuple[str, str]] = [("title", page.title)]
    entity = site.schema.entity(page.entity_id) if page.entity_id else None
    entity_layout = layout.entity(page.entity_id) if page.entity_id else None
    if entity is not None and entity_layout is not None and page.item is not None:
        encoder = ValueEncoder(
            item_id=page.item.id,
            page_uuids=layout.page_uuids,
            upload_templates=entity_layout.upload_templates,
            files=page_files,
        )
        for field in page_fields(entity):
            if field.id not in page.item.fields:
                continue
            text = encoder.content_value(field, page.item.fields[field.id])
            if text is not None:
                fields.append((field.id, text))
    fields.extend(page.extra_fields)
    if page.template == HOME:
        loose = [a.name for a in site.media if not a.placed]
        if loose:
            names = [page_files.add(name, IMAGE_FILE_TEMPLATE) for name in loose]
            fields.append((home_gallery_field(site.schema, layout), dump_yaml(names)))
    fields.append(("uuid", page.uuid))

    result: dict[str, str | bytes] = {f"{folder}/{page.template}.txt": encode(fields)}
    image_templates = {IMAGE_FILE_TEMPLATE} | {t.name for t in layout.file_templates if t.image}
    for asset_name, filename, template in page_files.entries():
        asset = media.get(asset_name)
        if asset is None:
            # The reference stays in the content; the site checker reports the missing file.
            continue
        result[f"{folder}/{filename}"] = asset.data
        meta: list[tuple[str, str]] = []
        if template in image_templates:
            meta.append(("alt", asset.alt or alt_text_from_filename(filename)))
        if template:
            meta.append(("template", template))
        meta.append(("uuid", stable_uuid("file", page.uuid, filename)))
        result[f"{folder}/{filename}.txt"] = encode(meta)
    return result
