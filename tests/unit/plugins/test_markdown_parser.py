from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.documents import Block, BlockKind, Document, IngestLimits, SourceFile
from plugins.offline.parsers.markdown import MarkdownParser

SAMPLE = """\
---
title: Selected work
year: 2021
published: 2021-05-03
tags: [architecture, timber]
---
# Projects

Buildings I designed
with friends.

## Harbour Library

**Client:** City of Hamburg
Year: 2021
- Role: lead architect
- timber frame
  with a glass roof
- Website: https://harbour.example

![Facade at dusk](images/harbour.jpg "The facade") ![Plan](<plan 1.png>)

```python
print("```")
```

Forest Pavilion
---------------
Visit https://example.com: it is worth it.
"""


def parse(text: str, name: str = "work/projects.md") -> Document:
    return MarkdownParser().parse(SourceFile(name=name, data=text.encode("utf-8")), IngestLimits())


def blocks_of(document: Document, kind: BlockKind) -> list[Block]:
    return [b for b in document.blocks if b.kind is kind]


def test_front_matter_is_a_mapping_with_json_values_and_a_locator() -> None:
    document = parse(SAMPLE)
    assert document.front_matter == {
        "title": "Selected work",
        "year": 2021,
        "published": "2021-05-03",
        "tags": ["architecture", "timber"],
    }
    assert document.front_matter_locator is not None
    assert (document.front_matter_locator.line, document.front_matter_locator.end_line) == (1, 6)
    assert document.title == "Selected work"
    assert document.media_type == "text/markdown"
    assert document.parser == "markdown"
    assert document.source == "work/projects.md"


def test_blocks_in_order_with_kinds_levels_keys_and_targets() -> None:
    summary = [(b.kind, b.text, b.level, b.key, b.target) for b in parse(SAMPLE).blocks]
    assert summary == [
        (BlockKind.HEADING, "Projects", 1, None, None),
        (BlockKind.PARAGRAPH, "Buildings I designed\nwith friends.", 0, None, None),
        (BlockKind.HEADING, "Harbour Library", 2, None, None),
        (BlockKind.KEY_VALUE, "City of Hamburg", 0, "Client", None),
        (BlockKind.KEY_VALUE, "2021", 0, "Year", None),
        (BlockKind.KEY_VALUE, "lead architect", 0, "Role", None),
        (BlockKind.LIST_ITEM, "timber frame with a glass roof", 0, None, None),
        (BlockKind.KEY_VALUE, "https://harbour.example", 0, "Website", None),
        (BlockKind.IMAGE, "Facade at dusk", 0, None, "images/harbour.jpg"),
        (BlockKind.PARAGRAPH, "The facade", 0, None, None),  # the image's title: its caption
        (BlockKind.IMAGE, "Plan", 0, None, "plan 1.png"),
        (BlockKind.CODE, 'print("```")', 0, None, None),
        (BlockKind.HEADING, "Forest Pavilion", 2, None, None),
        (BlockKind.PARAGRAPH, "Visit https://example.com: it is worth it.", 0, None, None),
    ]


def test_locators_give_lines_and_exact_character_spans() -> None:
    document = parse(SAMPLE)
    lines = SAMPLE.split("\n")
    expected = {
        "Projects": (7, 7, "# Projects"),
        "Buildings I designed\nwith friends.": (9, 10, "Buildings I designed\nwith friends."),
        "City of Hamburg": (14, 14, "**Client:** City of Hamburg"),
        "timber frame with a glass roof": (17, 18, "- timber frame\n  with a glass roof"),
        "Facade at dusk": (21, 21, '![Facade at dusk](images/harbour.jpg "The facade")'),
        "Plan": (21, 21, "![Plan](<plan 1.png>)"),
        'print("```")': (23, 25, '```python\nprint("```")\n```'),
        "Forest Pavilion": (27, 28, "Forest Pavilion\n---------------"),
    }
    for block in document.blocks:
        if block.text not in expected:
            continue
        line, end_line, source_text = expected[block.text]
        loc = block.locator
        assert (loc.line, loc.end_line) == (line, end_line), block
        assert loc.char_start is not None and loc.char_end is not None
        assert SAMPLE[loc.char_start : loc.char_end] == source_text
        assert source_text.split("\n")[0] in lines[line - 1]


def test_title_falls_back_to_the_top_heading_then_to_the_file_name() -> None:
    assert parse("Intro\n\n# The Studio\n\n# Other\n").title == "The Studio"
    assert parse("## Only heading\n\ntext\n", name="untitled 2.md").title == "Only heading"
    assert parse("#No space\n\ntext\n", name="untitled 2.md").title == "No space"
    assert parse("just text\n", name="notes/02_my_best-work.md").title == "My best work"


def test_front_matter_that_is_not_a_mapping_is_ordinary_text() -> None:
    document = parse("---\n- a\n- b\n---\nHello\n")
    assert document.front_matter == {}
    assert document.front_matter_locator is None
    assert [b.text for b in document.blocks] == ["a", "b", "Hello"]
    broken = parse("---\ntitle: [unclosed\n---\n\nBody\n", name="x.md")
    assert broken.front_matter == {}
    assert broken.title == "X"


def test_urls_times_and_long_prose_are_not_key_value_lines() -> None:
    document = parse(
        "http://example.com/page\n\n"
        "Meeting at 10:30 today\n\n"
        "https: //odd.example\n\n"
        "This is a sentence that explains a lot: really\n\n"
        "Opening hours: 9 to 5\n"
    )
    assert [(b.key, b.text) for b in blocks_of(document, BlockKind.KEY_VALUE)] == [
        ("Opening hours", "9 to 5")
    ]


def test_bom_and_crlf_keep_offsets_into_the_decoded_text() -> None:
    raw = "\ufeff# Title\r\n\r\nYear: 2020\r\n".encode()
    source = SourceFile(name="a.md", data=raw)
    document = MarkdownParser().parse(source, IngestLimits())
    text = raw.decode("utf-8-sig")
    key_value = blocks_of(document, BlockKind.KEY_VALUE)[0]
    assert key_value.locator.line == 3
    assert key_value.locator.char_start is not None
    assert text[key_value.locator.char_start : key_value.locator.char_end] == "Year: 2020"
    assert document.title == "Title"


def test_unclosed_code_fence_runs_to_the_end() -> None:
    code = blocks_of(parse("Intro\n\n~~~\nline 1\nline 2\n"), BlockKind.CODE)
    assert [(c.text, c.locator.line, c.locator.end_line) for c in code] == [
        ("line 1\nline 2", 3, 5)
    ]


def test_accepts_markdown_by_name_or_media_type_when_it_is_utf8_text() -> None:
    parser = MarkdownParser()
    assert parser.accepts(SourceFile(name="a.md", data=b"# hi"))
    assert parser.accepts(SourceFile(name="A.MARKDOWN", data=b"# hi"))
    assert parser.accepts(SourceFile(name="upload", data=b"# hi", media_type="text/markdown"))
    assert parser.accepts(SourceFile(name="a.md", data=b"\xef\xbb\xbf# hi"))
    assert not parser.accepts(SourceFile(name="a.txt", data=b"# hi", media_type="text/plain"))
    assert not parser.accepts(SourceFile(name="a.md", data=b"# hi\x00there"))
    assert not parser.accepts(SourceFile(name="a.md", data=b"\xff\xd8\xff\xe0 jpeg"))
    assert not parser.accepts(SourceFile(name="a.md", data=bytes(range(1, 32)) * 10))


def test_deeply_aliased_front_matter_is_refused() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for name in "bcdefg":
        previous = chr(ord(name) - 1)
        bomb += f"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}]\n"
    bomb += "---\n"
    try:
        parse(bomb)
    except Exception as exc:
        assert getattr(exc, "code", None) == "parse_error"
    else:  # pragma: no cover - the assertion explains the failure
        raise AssertionError("an exponentially large front matter was accepted")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #-*=:`~!\n[]()>1.\t")), max_size=300))
def test_any_text_parses_with_locators_inside_the_text(text: str) -> None:
    document = parse(text)
    line_count = len(text.split("\n"))
    for block in document.blocks:
        loc = block.locator
        assert loc.line is not None and loc.end_line is not None
        assert 1 <= loc.line <= loc.end_line <= line_count
        assert loc.char_start is not None and loc.char_end is not None
        assert 0 <= loc.char_start <= loc.char_end <= len(text)


def test_hard_wrapped_prose_is_not_split_into_fields() -> None:
    document = parse(
        "Every piece is meant to\n"
        "be used daily: stacked, washed, chipped.\n"
        "That is the point.\n"
        "Year: 2021\n"
        "tools: clay\n"
    )
    assert [(b.kind, b.key) for b in document.blocks] == [
        (BlockKind.PARAGRAPH, None),
        (BlockKind.KEY_VALUE, "Year"),
        (BlockKind.KEY_VALUE, "tools"),
    ]
    assert document.blocks[0].text.endswith("That is the point.")


def test_an_images_title_is_kept_as_its_caption() -> None:
    document = parse('# A\n\n![Cup](cup.jpg "Ash glaze, 2021")\n')
    assert [(b.kind, b.text) for b in document.blocks[1:]] == [
        (BlockKind.IMAGE, "Cup"),
        (BlockKind.PARAGRAPH, "Ash glaze, 2021"),
    ]
