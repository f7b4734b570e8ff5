"""The static HTML export of the site that uses all 31 field types."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cms.kirby import KirbyAdapter
from adapters.cms.static_html import StaticHtmlExporter
from domain.ports import StaticExporter
from domain.site import SiteFile
from tests.support.static_links import broken_references, references
from tests.unit.kirby.conftest import all_types_site, write_site


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    return {f.path: f.data for f in StaticHtmlExporter().export(all_types_site())}


def page(exported: dict[str, bytes], path: str) -> str:
    return exported[path].decode("utf-8")


def test_the_exporter_fits_its_port() -> None:
    exporter: StaticExporter = StaticHtmlExporter()
    assert exporter.name == "static-html"


def test_every_published_page_is_a_folder_with_an_index(exported: dict[str, bytes]) -> None:
    html_files = {p for p in exported if p.endswith(".html")}
    assert html_files == {
        "index.html",
        "404.html",
        "about/index.html",
        "projects/index.html",
        "projects/rebrand/index.html",
        "projects/poster/index.html",
        "projects/rebrand-2/index.html",  # unlisted: reachable, not listed
        "notes/index.html",
        "notes/alpha/index.html",
        "notes/zeta/index.html",
    }
    assert not any("secret" in p for p in exported)  # drafts are not published


def test_no_internal_link_or_asset_is_broken(exported: dict[str, bytes], tmp_path: Path) -> None:
    root = write_site([SiteFile(p, d) for p, d in exported.items()], tmp_path / "public")
    assert broken_references(root) == []
    for path in ("index.html", "projects/rebrand/index.html"):
        assert all(not r.startswith("/") for r in references(page(exported, path)))


def test_collections_list_their_listed_children_as_cards(exported: dict[str, bytes]) -> None:
    listing = page(exported, "projects/index.html")
    assert listing.count('class="card"') == 2
    assert 'href="rebrand/index.html">Rebrand</a>' in listing
    assert 'src="../media/cover-photo.jpg"' in listing  # cover image
    assert "Line one Line two" in listing  # excerpt from the summary
    assert "Hidden page" not in listing and "Secret draft" not in listing


def test_navigation_lists_the_top_level_pages_and_marks_the_current_one(
    exported: dict[str, bytes],
) -> None:
    rebrand = page(exported, "projects/rebrand/index.html")
    assert '<a href="../index.html" aria-current="page">Projects</a>' in rebrand
    assert '<a href="../../notes/index.html">Notes</a>' in rebrand
    assert '<a href="../../about/index.html">About me</a>' in rebrand
    assert '<a class="site-title" href="../../index.html">' in rebrand


def test_values_are_escaped_and_markdown_html_is_not_rendered(exported: dict[str, bytes]) -> None:
    rebrand = page(exported, "projects/rebrand/index.html")
    assert "<script>" not in rebrand
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rebrand
    assert "<strong>Bold</strong>" in rebrand  # Markdown itself is rendered
    # A block's stored HTML is not trusted as markup: its text goes into our own paragraph.
    assert "<p>World</p>" in rebrand and "&lt;p&gt;" not in rebrand
    assert "Ada&#39;s Portfolio" in rebrand


def test_relations_link_to_published_pages_only(exported: dict[str, bytes]) -> None:
    rebrand = page(exported, "projects/rebrand/index.html")
    assert '<a href="../poster/index.html">Poster series</a>' in rebrand
    assert "Secret draft" not in rebrand


def test_media_are_copied_once_and_css_comes_from_the_shared_theme(
    exported: dict[str, bytes],
) -> None:
    kirby = {f.path: f.data for f in KirbyAdapter().build(all_types_site())}
    assert exported["assets/css/tokens.css"] == kirby["assets/css/tokens.css"]
    assert exported["assets/css/site.css"] == kirby["assets/css/site.css"]
    media = sorted(p for p in exported if p.startswith("media/"))
    assert media == [
        "media/ann.jpg",
        "media/brief.pdf",
        "media/cover-photo.jpg",
        "media/g1.png",
        "media/g2.png",
        "media/notes.text",
    ]


def test_the_export_is_deterministic() -> None:
    first = StaticHtmlExporter().export(all_types_site())
    assert StaticHtmlExporter().export(all_types_site()) == first
    assert [f.path for f in first] == sorted(f.path for f in first)


def test_every_page_has_a_viewport_title_and_one_heading(exported: dict[str, bytes]) -> None:
    for path, data in exported.items():
        if path.endswith(".html"):
            text = data.decode()
            assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
            assert text.count('<h1 class="page__title">') == 1, path
            assert '<html lang="en">' in text
