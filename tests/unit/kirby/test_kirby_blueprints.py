"""Blueprint layout (tabs, columns, sections, icons) and `kirbygen check` on the full site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.cms.kirby import KirbySiteChecker
from adapters.cms.kirby.blueprints import MAX_FIELDS_WITHOUT_TABS
from adapters.cms.kirby.fieldtypes import blueprint_field
from adapters.cms.kirby.kirby_types import panel_icon
from domain.schema import Field, FieldType
from entrypoints.cli import main
from tests.unit.kirby.conftest import PROJECT_FIELDS


def blueprint(site: Path, name: str) -> dict[str, Any]:
    data = yaml.safe_load((site / f"site/blueprints/{name}.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def form_fields(node: dict[str, Any]) -> Iterator[str]:
    """Field names wherever tabs, columns and fields sections put them."""
    yield from node.get("fields", {})
    for key in ("tabs", "columns", "sections"):
        for child in node.get(key, {}).values():
            if key != "sections" or child.get("type") == "fields":
                yield from form_fields(child)


def sections(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("tabs", "columns", "sections"):
        for child in node.get(key, {}).values():
            if key == "sections":
                yield child
            yield from sections(child)


def test_an_entity_with_many_fields_gets_content_and_details_tabs_with_a_files_sidebar(
    built_site: Path,
) -> None:
    project = blueprint(built_site, "pages/project")
    assert len(PROJECT_FIELDS) > MAX_FIELDS_WITHOUT_TABS
    assert list(project["tabs"]) == ["content", "details"]
    content = project["tabs"]["content"]
    assert content["label"] == "Content"
    main, sidebar = content["columns"]["main"], content["columns"]["sidebar"]
    assert main["width"] == "2/3" and sidebar["width"] == "1/3"
    assert {"subtitle", "summary", "story"} <= set(main["sections"]["content"]["fields"])
    media = sidebar["sections"]
    assert set(media["media_fields"]["fields"]) == {"cover", "brief", "images", "downloads"}
    assert media["files"]["type"] == "files"
    names = list(form_fields(project))
    assert sorted(names) == sorted(f.id for f in PROJECT_FIELDS)  # each field exactly once


def test_a_small_entity_with_media_gets_a_files_sidebar(built_site: Path) -> None:
    about = blueprint(built_site, "pages/about")
    columns = about["columns"]
    assert columns["main"]["width"] == "2/3"
    assert set(columns["main"]["fields"]) == {"intro", "portrait", "favourite", "skills"}
    assert columns["sidebar"]["sections"]["files"]["type"] == "files"
    assert "fields" not in about


def test_a_small_entity_without_media_keeps_one_plain_form(built_site: Path) -> None:
    note = blueprint(built_site, "pages/note")
    assert list(note["fields"]) == ["text"]
    assert "tabs" not in note and "columns" not in note


def test_collection_parents_list_their_children_and_the_site_lists_every_main_page(
    built_site: Path,
) -> None:
    projects = blueprint(built_site, "pages/projects")
    [children] = sections(projects)
    assert children["type"] == "pages" and children["templates"] == ["project"]
    assert children["layout"] == "cards"
    assert children["image"]["query"] == "page.content.get('cover').toFile"
    assert children["info"] == "{{ page.content.get('budget') }}"
    site = blueprint(built_site, "site")
    pages, projects, notes = sections(site)
    # Main pages in one list (never the error page), each collection's pages beside it.
    assert pages["templates"] == ["home", "projects", "about", "notes"]
    assert projects["parent"] == "site.find('projects')" and projects["layout"] == "cards"
    assert notes["templates"] == ["note"] and notes["layout"] == "list"


def test_decimals_are_valid_in_the_panel_and_markdown_gets_its_toolbar(built_site: Path) -> None:
    fields = dict(form_fields_with_definitions(blueprint(built_site, "pages/project")))
    assert fields["budget"]["step"] == 0.5  # the schema's own step wins
    about = blueprint(built_site, "pages/about")
    assert about["columns"]["main"]["fields"]["intro"]["size"] == "large"
    assert "buttons" not in about["columns"]["main"]["fields"]["intro"]
    assert fields["summary"]["buttons"] is False  # plain text: no Markdown toolbar
    price = Field(id="price", label="Price", type=FieldType.NUMBER)
    assert blueprint_field(price, lambda _target: None, {})["step"] == "any"


def form_fields_with_definitions(node: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    yield from node.get("fields", {}).items()
    for key in ("tabs", "columns", "sections"):
        for child in node.get(key, {}).values():
            if key != "sections" or child.get("type") == "fields":
                yield from form_fields_with_definitions(child)


def test_images_have_alt_text_and_caption_fields(built_site: Path) -> None:
    image = blueprint(built_site, "files/image")
    assert set(image["fields"]) == {"alt", "caption"}
    assert image["accept"] == {"mime": "image/*"}


def test_icons_are_panel_icons(built_site: Path) -> None:
    assert blueprint(built_site, "pages/project")["icon"] == "image"
    assert blueprint(built_site, "pages/about")["icon"] == "user"
    assert panel_icon("music") == "audio"
    assert panel_icon("no-such-icon") == "page"


def test_the_checker_finds_a_dead_field_inside_a_tab(built_site: Path) -> None:
    template = built_site / "site/templates/project.php"
    text = template.read_text()
    assert "$page->budget()" in text
    template.write_text(text.replace("$page->budget()", "$page->other_value()"))
    [warning] = KirbySiteChecker().check(built_site)
    assert warning.code == "template.dead_field" and "'budget'" in warning.message


def test_the_checker_finds_a_broken_relation_inside_a_structure(built_site: Path) -> None:
    path = built_site / "content/1_projects/1_rebrand/project.txt"
    text = path.read_text()
    start = text.index("mentor:")
    uuid = text[start:].split("page://", 1)[1][:16]
    path.write_text(text.replace(f"page://{uuid}", "page://nosuchpage0000000", 1))
    [warning] = KirbySiteChecker().check(built_site)
    assert warning.code == "content.page_missing" and "mentor" in warning.message


def test_kirbygen_check_passes_the_full_site_with_no_issue_at_all(
    built_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(built_site), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # no error, no dead field, php -l clean
