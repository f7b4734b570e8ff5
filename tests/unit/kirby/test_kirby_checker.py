"""The site checker catches each kind of breakage on an otherwise clean generated site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from adapters.cms.kirby import KirbySiteChecker
from domain.issues import Issue, Severity, errors


def _codes(issues: list[Issue], severity: Severity = Severity.ERROR) -> set[str]:
    return {i.code for i in issues if i.severity is severity}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def checker() -> KirbySiteChecker:
    return KirbySiteChecker()


def test_content_key_without_blueprint_field(built_site: Path, checker: KirbySiteChecker) -> None:
    about = built_site / "content/about/about.txt"
    about.write_text(about.read_text() + "\n----\n\nShoe_size: 42\n", encoding="utf-8")
    issues = checker.check(built_site)
    [issue] = [i for i in errors(issues) if i.code == "content.unknown_key"]
    assert issue.path == "content/about/about.txt"
    assert "shoe_size" in issue.message


def test_unknown_key_inside_a_structure_row(built_site: Path, checker: KirbySiteChecker) -> None:
    _edit(built_site / "content/1_projects/1_rebrand/project.txt", "- name: Bo", "- nmae: Bo")
    assert "content.unknown_key" in _codes(checker.check(built_site))


def test_unknown_field_type_in_blueprint(built_site: Path, checker: KirbySiteChecker) -> None:
    _edit(built_site / "site/blueprints/pages/about.yml", "type: tags", "type: markdown")
    issues = checker.check(built_site)
    [issue] = [i for i in errors(issues) if i.code == "blueprint.unknown_field_type"]
    assert issue.path == "site/blueprints/pages/about.yml"
    assert "'markdown'" in issue.message


def test_unknown_nested_field_type(built_site: Path, checker: KirbySiteChecker) -> None:
    _edit(built_site / "site/blueprints/pages/project.yml", "type: toggle", "type: boolean")
    assert "blueprint.unknown_field_type" in _codes(checker.check(built_site))


def test_blueprint_that_is_not_yaml(built_site: Path, checker: KirbySiteChecker) -> None:
    (built_site / "site/blueprints/pages/note.yml").write_text("title: [unclosed\n")
    assert "blueprint.bad_yaml" in _codes(checker.check(built_site))


def test_broken_php(built_site: Path, checker: KirbySiteChecker) -> None:
    (built_site / "site/templates/about.php").write_text("<?php if ($page->title( ?>\n")
    issues = checker.check(built_site)
    [issue] = [i for i in errors(issues) if i.code == "php.syntax_error"]
    assert issue.path == "site/templates/about.php"
    assert str(built_site) not in issue.message


def test_missing_referenced_image(built_site: Path, checker: KirbySiteChecker) -> None:
    (built_site / "content/about/cover-photo.jpg").unlink()
    (built_site / "content/about/cover-photo.jpg.txt").unlink()
    issues = checker.check(built_site)
    [issue] = [i for i in errors(issues) if i.code == "content.file_missing"]
    assert issue.path == "content/about/about.txt"
    assert "cover-photo.jpg" in issue.message


def test_missing_image_inside_a_structure(built_site: Path, checker: KirbySiteChecker) -> None:
    (built_site / "content/1_projects/1_rebrand/ann.jpg").unlink()
    assert "content.file_missing" in _codes(checker.check(built_site))


def test_unescaped_separator_line(built_site: Path, checker: KirbySiteChecker) -> None:
    _edit(built_site / "content/1_projects/1_rebrand/project.txt", "\\----\nafter", "----\nafter")
    issues = checker.check(built_site)
    assert "content.orphan_text" in _codes(issues)


def test_separator_line_with_extra_dashes(built_site: Path, checker: KirbySiteChecker) -> None:
    _edit(built_site / "content/about/about.txt", "\n----\n\nSkills", "\n-----\n\nSkills")
    assert "content.bad_separator" in _codes(checker.check(built_site))


def test_php_missing_is_an_error_not_a_skip(built_site: Path) -> None:
    issues = KirbySiteChecker(php_binary="php-that-is-not-installed").check(built_site)
    [issue] = errors(issues)
    assert issue.code == "check.php_missing"
    assert "php-cli" in issue.message


def test_template_without_blueprint(built_site: Path, checker: KirbySiteChecker) -> None:
    (built_site / "site/blueprints/pages/note.yml").unlink()
    issues = checker.check(built_site)
    assert {i.path for i in errors(issues) if i.code == "blueprint.missing"} == {
        "content/2_notes/0_alpha/note.txt",
        "content/2_notes/0_zeta/note.txt",
    }


def test_template_falls_back_to_default(built_site: Path, checker: KirbySiteChecker) -> None:
    (built_site / "site/templates/note.php").unlink()
    assert errors(checker.check(built_site)) == []
    (built_site / "site/templates/default.php").unlink()
    assert "template.missing" in _codes(checker.check(built_site))


def test_required_pages(built_site: Path, checker: KirbySiteChecker) -> None:
    shutil.rmtree(built_site / "content/home")
    (built_site / "content/site.txt").unlink()
    codes = _codes(checker.check(built_site))
    assert {"content.home_missing", "content.site_missing"} <= codes
    assert "content.error_missing" not in codes


def test_dead_field_is_a_warning(built_site: Path, checker: KirbySiteChecker) -> None:
    template = built_site / "site/templates/about.php"
    text = template.read_text()
    assert "$page->skills()" in text
    template.write_text(text.replace("$page->skills()", "$page->other_value()"))
    issues = checker.check(built_site)
    assert errors(issues) == []
    [warning] = issues
    assert warning.code == "template.dead_field"
    assert warning.severity is Severity.WARNING
    assert "'skills'" in warning.message


def test_dangling_page_reference_is_a_warning(built_site: Path, checker: KirbySiteChecker) -> None:
    _edit(built_site / "content/about/about.txt", "- page://", "- page://0000")
    issues = checker.check(built_site)
    assert _codes(issues, Severity.WARNING) == {"content.page_missing"}


def test_not_a_folder(tmp_path: Path, checker: KirbySiteChecker) -> None:
    assert _codes(checker.check(tmp_path / "nothing")) == {"check.no_site"}


def test_fields_are_found_in_tabs_columns_and_sections(
    built_site: Path, checker: KirbySiteChecker
) -> None:
    blueprint_path = built_site / "site/blueprints/pages/about.yml"
    fields = yaml.safe_load(blueprint_path.read_text())["columns"]["main"]["fields"]
    skills = fields.pop("skills")
    nested = {
        "title": "About",
        "tabs": {
            "main": {
                "columns": [
                    {"width": "2/3", "sections": {"text": {"type": "fields", "fields": fields}}},
                    {"width": "1/3", "fields": {"skills": {**skills, "type": "tagz"}}},
                ]
            },
            "pages": {"sections": {"children": {"type": "pages"}, "extra": {"type": "weird"}}},
        },
    }
    blueprint_path.write_text(yaml.safe_dump(nested))
    issues = checker.check(built_site)
    # Every content key was still found; only the two wrong types are reported.
    assert _codes(issues) == {"blueprint.unknown_field_type", "blueprint.unknown_section_type"}


def test_kirby_working_folders_are_not_pages(built_site: Path, checker: KirbySiteChecker) -> None:
    changes = built_site / "content/about/_changes"
    changes.mkdir()
    (changes / "about.txt").write_text("Title: Edited\n\n----\n\nWhatever: unsaved\n")
    assert checker.check(built_site) == []


@pytest.mark.parametrize(
    "php",
    [
        "<?= $child->text()->kirbytext()->excerpt(160) ?>",
        "<?= $page->story()->kt()->esc() ?>",
        "<?= esc($page->story()->kirbytext()) ?>",
        "<?= $page->body()->toBlocks()->kirbytext() ?>",
    ],
)
def test_a_field_method_on_rendered_html_is_an_error(
    built_site: Path, checker: KirbySiteChecker, php: str
) -> None:
    snippet = built_site / "site/snippets/card.php"
    snippet.write_text(snippet.read_text() + php + "\n", encoding="utf-8")
    [issue] = [i for i in errors(checker.check(built_site)) if i.code == "template.rendered_twice"]
    assert issue.path == "site/snippets/card.php"
    assert "tags as text" in issue.message


def test_the_generated_templates_render_each_field_once(
    built_site: Path, checker: KirbySiteChecker
) -> None:
    codes = {i.code for i in checker.check(built_site)}
    assert "template.rendered_twice" not in codes
    assert "content.markup_as_text" not in codes


def test_html_in_a_kirbytext_field_warns_that_visitors_see_tags(
    built_site: Path, checker: KirbySiteChecker
) -> None:
    _edit(built_site / "content/about/about.txt", "I design *things*.", "<p>I design</p>")
    [issue] = [i for i in checker.check(built_site) if i.code == "content.markup_as_text"]
    assert issue.severity is Severity.WARNING and issue.path == "content/about/about.txt"
