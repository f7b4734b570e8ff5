"""Every supported format parses into a document with the right text and locators."""

from __future__ import annotations

import json

from PIL import Image

from application.ingest import ingest
from domain.documents import Block, BlockKind, Document, IngestLimits, SourceFile
from domain.media_types import DOCX, identify
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.unit.plugins.pdf_files import text_pdf
from tests.unit.plugins.sample_files import blocks_image, docx, image_bytes, paragraph, table

REGISTRY = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))


def read(name: str, data: bytes) -> Document:
    result = ingest([SourceFile(name, data)], REGISTRY.parsers(), limits=IngestLimits())
    assert result.rejected == (), result.rejected
    (document,) = result.documents
    return document


def of_kind(document: Document, kind: BlockKind) -> list[Block]:
    return [b for b in document.blocks if b.kind is kind]


def test_markdown_with_front_matter_lists_and_a_table() -> None:
    text = (
        "---\ntitle: Shows\n---\n# Shows\n\n- first point\n- second point\n\n"
        "| Name | Year | Venue |\n|---|:-:|---|\n"
        "| Salt | 2021 | Oslo |\n| Ash \\| Bone | 2023 | |\n"
    )
    document = read("shows.md", text.encode())
    assert document.parser == "markdown" and document.title == "Shows"
    assert document.front_matter == {"title": "Shows"}
    assert [b.text for b in of_kind(document, BlockKind.LIST_ITEM)] == [
        "first point",
        "second point",
    ]
    rows = of_kind(document, BlockKind.TABLE_ROW)
    assert [r.cells for r in rows] == [("Salt", "2021", "Oslo"), ("Ash | Bone", "2023", "")]
    assert rows[0].columns == ("Name", "Year", "Venue")
    assert rows[0].locator.line == 11
    start, end = rows[0].locator.char_start, rows[0].locator.char_end
    assert text[start:end] == "| Salt | 2021 | Oslo |"


def test_plain_text_keeps_lines_and_spans() -> None:
    text = "Mara Lindqvist\n==============\n\nCeramicist in Oslo.\n\nEmail: mara@example.com\n"
    document = read("about.txt", text.encode())
    (pair,) = of_kind(document, BlockKind.KEY_VALUE)
    assert (pair.key, pair.text, pair.locator.line) == ("Email", "mara@example.com", 6)
    assert text[pair.locator.char_start : pair.locator.char_end] == "Email: mara@example.com"


def test_html_headings_paragraphs_lists_images_and_tables() -> None:
    html = (
        "<!doctype html>\n<html><head><title>Studio</title><script>alert(1)</script></head>\n"
        "<body>\n<h1>Harbour Lamps</h1>\n<p>Thin <b>porcelain</b> shades.</p>\n"
        "<p><strong>Client:</strong> City of Bergen</p>\n<ul><li>glazed</li><li>fired</li></ul>\n"
        '<img src="lamp.jpg" alt="A lamp">\n'
        "<table><tr><th>Piece</th><th>Year</th></tr><tr><td>Lamp</td><td>2022</td></tr></table>\n"
        "</body></html>\n"
    )
    document = read("lamps.html", html.encode())
    # The visible heading names the page; the <title> is kept in the metadata.
    assert document.media_type == "text/html" and document.title == "Harbour Lamps"
    heading = of_kind(document, BlockKind.HEADING)[0]
    assert (heading.text, heading.level, heading.locator.line) == ("Harbour Lamps", 1, 4)
    assert "alert" not in " ".join(b.text for b in document.blocks)
    (body,) = of_kind(document, BlockKind.PARAGRAPH)
    assert body.text == "Thin porcelain shades."
    assert html[body.locator.char_start : body.locator.char_end].startswith("Thin <b>")
    (pair,) = of_kind(document, BlockKind.KEY_VALUE)
    assert (pair.key, pair.text) == ("Client", "City of Bergen")
    assert [b.text for b in of_kind(document, BlockKind.LIST_ITEM)] == ["glazed", "fired"]
    (image,) = of_kind(document, BlockKind.IMAGE)
    assert (image.target, image.text, image.locator.line) == ("lamp.jpg", "A lamp", 8)
    (row,) = of_kind(document, BlockKind.TABLE_ROW)
    assert (row.columns, row.cells, row.locator.line) == (("Piece", "Year"), ("Lamp", "2022"), 9)


def test_html_chrome_is_set_aside_links_keep_their_targets_and_titles_lose_the_site() -> None:
    html = (
        "<html><head><title>About us | Harbour Kitchen, Bergen</title>"
        '<meta name="author" content="Kari Nes"></head><body>\n'
        '<nav><a href="/">Home</a> <a href="/menu">Menu</a></nav>\n'
        "<article><header><h2>Since 1998</h2></header>\n"
        '<p><a href="https://book.example/hk">Book a table</a> or call.</p>\n'
        '<img src="quay.jpg" alt="The quay" title="Bryggen at dawn"></article>\n'
        "<footer>Bryggen 12 · Bergen</footer></body></html>\n"
    )
    document = read("about.html", html.encode())
    assert document.title == "Since 1998"
    assert document.metadata == {"author": "Kari Nes", "site_name": "Harbour Kitchen, Bergen"}
    texts = [b.text for b in document.blocks]
    assert "[Book a table](https://book.example/hk) or call." in texts
    assert "Bryggen at dawn" in texts
    assert not any("Home" in t or "Bryggen 12" in t for t in texts)
    aside = {a.text: a for a in document.set_aside}
    assert {"Home Menu", "Bryggen 12 · Bergen", "About us | Harbour Kitchen, Bergen"} <= set(aside)
    assert aside["Home Menu"].locator.line == 2


def test_html_with_a_main_element_keeps_only_what_is_inside_it() -> None:
    html = "<body><div>Skip to content</div><main><h1>Lena Vogt</h1><p>Photos.</p></main></body>"
    document = read("index.html", html.encode())
    assert [b.text for b in document.blocks] == ["Lena Vogt", "Photos."]
    assert [a.text for a in document.set_aside] == ["Skip to content"]


def test_json_values_and_lists_of_objects_with_exact_spans() -> None:
    text = json.dumps(
        {
            "name": "Mara",
            "city": "Oslo",
            "works": [{"title": "Cup", "year": 2020}, {"title": "Bowl"}],
        },
        indent=2,
    )
    document = read("profile.json", text.encode())
    assert document.title == "Mara"
    pairs = {b.key: b for b in of_kind(document, BlockKind.KEY_VALUE)}
    assert pairs["city"].text == "Oslo"
    assert text[pairs["city"].locator.char_start : pairs["city"].locator.char_end] == '"Oslo"'
    assert pairs["city"].locator.line == 3
    rows = of_kind(document, BlockKind.TABLE_ROW)
    assert [r.cells for r in rows] == [("Cup", "2020"), ("Bowl", "")]
    first = rows[0].locator
    assert json.loads(text[first.char_start : first.char_end]) == {"title": "Cup", "year": 2020}


def test_docx_headings_lists_key_values_tables_and_paragraph_locators() -> None:
    body = (
        paragraph("Harbour Lamps", style="Heading1")
        + paragraph("Thin porcelain shades.")
        + paragraph("Client: City of Bergen")
        + paragraph("glazed", listed=True)
        + table([["Piece", "Year"], ["Lamp", "2022"]])
    )
    data = docx(body, title="Lamps")
    assert identify(data) == DOCX
    document = read("lamps.docx", data)
    assert document.media_type == DOCX and document.title == "Lamps"
    kinds = [(b.kind, b.text, b.locator.paragraph) for b in document.blocks]
    assert kinds[:4] == [
        (BlockKind.HEADING, "Harbour Lamps", 1),
        (BlockKind.PARAGRAPH, "Thin porcelain shades.", 2),
        (BlockKind.KEY_VALUE, "City of Bergen", 3),
        (BlockKind.LIST_ITEM, "glazed", 4),
    ]
    assert document.blocks[1].locator.char_start == len("Harbour Lamps") + 1
    (row,) = of_kind(document, BlockKind.TABLE_ROW)
    assert row.cells == ("Lamp", "2022") and row.locator.paragraph == 6


def test_docx_keeps_its_declared_author_and_only_a_real_one() -> None:
    body = paragraph("Harbour Lamps", style="Heading1")
    signed = read("lamps.docx", docx(body, title="Lamps", author="  Mara   Lindqvist "))
    assert signed.metadata == {"author": "Mara Lindqvist"} and signed.title == "Lamps"
    unsigned = read("lamps.docx", docx(body, title="Lamps"))
    assert unsigned.metadata == {}
    blank = read("lamps.docx", docx(body, author=" "))
    assert blank.metadata == {} and blank.title == "Harbour Lamps"


def test_pdf_text_per_page_with_page_locators() -> None:
    data = text_pdf([["Salt Glaze Cups", "Stacked and washed daily."], ["Second page text."]],
                    title="Cups")  # fmt: skip
    document = read("cups.pdf", data)
    assert document.parser == "pdf" and document.title == "Cups"
    pages = {b.locator.page: b.text for b in document.blocks}
    assert "Salt Glaze Cups" in pages[1] and "Stacked and washed daily." in pages[1]
    assert pages[2] == "Second page text."
    assert all(b.locator.paragraph == 1 and b.locator.char_start == 0 for b in document.blocks)


def test_png_and_jpeg_are_images_with_their_size() -> None:
    picture = blocks_image([("#1e40af", 1.0)], size=(64, 48))
    for name, data in (
        ("work/a.png", image_bytes(picture, "PNG")),
        ("work/b.jpg", image_bytes(picture, "JPEG", quality=90)),
    ):
        document = read(name, data)
        assert document.media_type.startswith("image/")
        assert document.front_matter["width"] == 64 and document.front_matter["height"] == 48
        (block,) = document.blocks
        assert block.kind is BlockKind.IMAGE and block.target == name.split("/")[-1]


def test_a_clean_svg_is_an_image_and_detected_from_its_bytes() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    svg += b'<rect width="10" height="10" fill="#b4532a"/></svg>'
    document = read("logo.svg", svg)
    assert document.media_type == "image/svg+xml" and document.parser == "svg"


def test_images_are_listed_apart_from_the_text_documents() -> None:
    png = image_bytes(Image.new("RGB", (8, 8), "red"), "PNG")
    result = ingest(
        [SourceFile("a.md", b"# A\n\nText.\n"), SourceFile("a.png", png)],
        REGISTRY.parsers(),
    )
    assert result.images == ("a.png",)
    assert [d.source for d in result.text_documents] == ["a.md"]
