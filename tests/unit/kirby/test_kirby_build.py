"""Building a site that uses all 31 field types: complete, deterministic, and clean."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import yaml

from adapters.cms.kirby import KirbyAdapter, KirbySiteChecker
from adapters.cms.kirby.fieldtypes import KIRBY_FIELD_TYPE
from adapters.cms.kirby.kirby_types import CORE_FIELD_TYPES
from adapters.cms.kirby.theme import css_value
from adapters.cms.kirby.txt import decode
from adapters.cms.static_html import StaticHtmlExporter
from domain.design import DesignSystem
from domain.ports import CmsAdapter, SiteChecker
from domain.schema import Field, FieldType
from domain.site import MediaAsset, SiteSpec

UUID = re.compile(r"^[a-z0-9]{16}$")


def _all_fields(fields: tuple[Field, ...]) -> Iterator[Field]:
    for field in fields:
        yield field
        yield from _all_fields(field.options.fields)


def test_the_fixture_uses_every_generic_field_type(site_spec: SiteSpec) -> None:
    used = {f.type for e in site_spec.schema.entities for f in _all_fields(e.fields)}
    assert used == set(FieldType)


def test_every_generic_type_maps_to_a_kirby_core_type() -> None:
    assert set(KIRBY_FIELD_TYPE) == set(FieldType)
    assert set(KIRBY_FIELD_TYPE.values()) <= CORE_FIELD_TYPES


def test_adapter_and_checker_fit_their_ports() -> None:
    adapter: CmsAdapter = KirbyAdapter()
    checker: SiteChecker = KirbySiteChecker()
    assert adapter.name == "kirby"
    assert checker is not None


def test_generated_site_checks_without_a_single_issue(built_site: Path) -> None:
    assert KirbySiteChecker().check(built_site) == []


def test_the_folder_tree_is_complete(site_files: dict[str, bytes]) -> None:
    expected = {
        "index.php",
        "composer.json",
        ".htaccess",
        "README.md",
        "site/config/config.php",
        "content/site.txt",
        "content/home/home.txt",
        "content/error/error.txt",
        "content/about/about.txt",
        "content/1_projects/projects.txt",
        "content/1_projects/1_rebrand/project.txt",
        "content/1_projects/2_poster/project.txt",
        "content/1_projects/rebrand-2/project.txt",  # unlisted, slug made unique
        "content/1_projects/_drafts/secret/project.txt",
        "content/2_notes/notes.txt",
        "content/2_notes/0_alpha/note.txt",  # not sortable: num zero
        "site/blueprints/site.yml",
        "site/blueprints/pages/home.yml",
        "site/blueprints/pages/error.yml",
        "site/blueprints/pages/project.yml",
        "site/blueprints/pages/projects.yml",
        "site/blueprints/pages/about.yml",
        "site/blueprints/files/image.yml",
        "site/blueprints/files/project-brief.yml",
        "site/templates/default.php",
        "site/templates/home.php",
        "site/templates/error.php",
        "site/templates/project.php",
        "site/templates/projects.php",
        "site/templates/about.php",
        "site/snippets/header.php",
        "site/snippets/footer.php",
        "assets/css/tokens.css",
        "assets/css/site.css",
    }
    assert expected <= set(site_files)
    composer = json.loads(site_files["composer.json"])
    assert composer["require"]["getkirby/cms"] == "^5.0"
    assert "php -S localhost:8000 kirby/router.php" in site_files["README.md"].decode()
    assert "/panel" in site_files["README.md"].decode()


def test_output_is_deterministic(site_spec: SiteSpec) -> None:
    first = KirbyAdapter().build(site_spec)
    shuffled_tokens = list(site_spec.design.tokens.items())
    random.Random(7).shuffle(shuffled_tokens)
    again = SiteSpec(
        title=site_spec.title,
        schema=site_spec.schema,
        content=site_spec.content,
        design=DesignSystem(tokens=dict(shuffled_tokens)),
        media=tuple(reversed(site_spec.media)),
    )
    assert KirbyAdapter().build(again) == first
    assert [f.path for f in first] == sorted(f.path for f in first)


def test_values_read_back_as_the_domain_gave_them(read_text: Callable[[str], str]) -> None:
    content = decode(read_text("content/1_projects/1_rebrand/project.txt"))
    assert content["summary"] == (
        "Line one\nLine two\n----\nafter a line that looks like a separator"
    )
    assert content["budget"] == "1250.5"
    assert content["featured"] == "true"
    assert content["media"] == "web, print"
    assert content["updated_at"] == "2024-05-01 14:30:00"
    assert yaml.safe_load(content["cover"]) == ["cover-photo.jpg"]
    assert yaml.safe_load(content["downloads"]) == ["brief.pdf", "notes.text"]
    assert yaml.safe_load(content["highlights"]) == [
        "First, with a comma",
        "Second: with a colon",
        "----",
    ]
    assert yaml.safe_load(content["place"]) == {"lat": 52.52, "lng": 13.405}
    assert json.loads(content["metadata"]) == {
        "client": "ACME",
        "years": [2023, 2024],
        "divider": "----",
    }
    team = yaml.safe_load(content["team"])
    assert team[0]["content"] == "Leads design.\nLoves type."
    assert team[0]["photo"] == ["ann.jpg"]
    assert team[1] == {"name": "Bo", "active": "false"}  # unknown key dropped
    blocks = json.loads(content["body"])
    assert [b["type"] for b in blocks] == ["heading", "text"]
    assert all(b["id"] and b["isHidden"] is False for b in blocks)


def test_pages_have_stable_uuids_and_references_use_them(
    read_text: Callable[[str], str], built_site: Path
) -> None:
    uuids = {}
    for path in sorted(built_site.glob("content/**/*.txt")):
        fields = decode(path.read_text(encoding="utf-8"))
        if path.name != "site.txt":
            assert UUID.match(fields["uuid"]), path
            uuids[path.parent.name] = fields["uuid"]
    project = decode(read_text("content/1_projects/1_rebrand/project.txt"))
    assert yaml.safe_load(project["related"]) == [f"page://{uuids['2_poster']}"]
    # The unknown id is left out; the draft stays referenced (the template hides drafts).
    assert yaml.safe_load(project["see_also"]) == [
        f"page://{uuids['2_poster']}",
        f"page://{uuids['secret']}",
    ]


def test_media_live_beside_their_page_with_metadata(site_files: dict[str, bytes]) -> None:
    folder = "content/1_projects/1_rebrand"
    assert site_files[f"{folder}/cover-photo.jpg"].startswith(b"\xff\xd8")
    meta = decode(site_files[f"{folder}/cover-photo.jpg.txt"].decode())
    assert meta["alt"] == "Cover photo"
    assert meta["template"] == "image"
    brief = decode(site_files[f"{folder}/brief.pdf.txt"].decode())
    assert brief["template"] == "project-brief"
    assert "alt" not in brief
    # The same asset used by another page is copied beside that page too.
    assert "content/about/cover-photo.jpg" in site_files


def test_blueprints_reparse_and_use_core_types_only(built_site: Path) -> None:
    def types(fields: dict[str, dict[str, object]]) -> Iterator[str]:
        for definition in fields.values():
            yield str(definition["type"])
            nested = definition.get("fields")
            if isinstance(nested, dict):
                yield from types(nested)

    for path in sorted(built_site.glob("site/blueprints/**/*.yml")):
        blueprint = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert blueprint["title"], path
        assert set(types(blueprint.get("fields", {}))) <= CORE_FIELD_TYPES, path


def test_field_names_that_are_page_methods_are_read_through_content(
    read_text: Callable[[str], str],
) -> None:
    template = read_text("site/templates/project.php")
    for name in ("url", "code", "images"):
        assert f"$page->content()->get('{name}')" in template
        assert f"$page->{name}()" not in template
    assert "$row->content()->get('content')" in template
    assert "$page->summary()" in template


def test_theme_turns_tokens_into_custom_properties(read_text: Callable[[str], str]) -> None:
    tokens = read_text("assets/css/tokens.css")
    assert "--color-primary-500: #2255aa;" in tokens
    assert "--color-role-link: var(--color-primary-500);" in tokens
    assert "--dimension-spacing-md: 1rem;" in tokens
    assert '--typography-font-family-body: "Source Sans 3", sans-serif;' in tokens
    assert "--shadow-card: 0px 2px 8px 0px #00000022;" in tokens
    assert "--kg-color-text: var(--color-role-text);" in tokens
    assert "display: none" not in tokens  # a value that would break out of the rule
    site_css = read_text("assets/css/site.css")
    assert "var(--kg-color-text, #" in site_css
    assert "minmax(min(100%, 16rem), 1fr)" in site_css


def test_font_keywords_stay_unquoted() -> None:
    stack = ["-apple-system", "Segoe UI", "SFMono-Regular", "serif"]
    assert css_value(stack, "fontFamily") == '-apple-system, "Segoe UI", SFMono-Regular, serif'


def test_images_no_page_names_are_shown_on_the_home_page(site_spec: SiteSpec) -> None:
    loose = MediaAsset(
        name="studio wall.png",
        data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        media_type="image/png",
        placed=False,
    )
    spec = attrs.evolve(site_spec, media=(*site_spec.media, loose))
    files = {f.path: f.data.decode(errors="replace") for f in KirbyAdapter().build(spec)}
    assert "studio-wall.png" in decode(files["content/home/home.txt"])["gallery"]
    assert "content/home/studio-wall.png" in files
    assert "$page->gallery()->toFiles()" in files["site/templates/home.php"]
    assert "gallery" in files["site/blueprints/pages/home.yml"]
    exported = {f.path for f in StaticHtmlExporter().export(spec)}
    assert "media/studio-wall.png" in exported
