"""The site is named as the material names its person or business, with provenance."""

from __future__ import annotations

from domain.documents import Document, IngestLimits, SourceFile
from plugins.offline.identity import site_identity
from plugins.offline.parsers.markdown import MarkdownParser
from plugins.offline.parsers.text import PlainTextParser


def _docs(files: dict[str, str]) -> list[Document]:
    parsers: list[MarkdownParser | PlainTextParser] = [MarkdownParser(), PlainTextParser()]
    out: list[Document] = []
    for name, text in files.items():
        source = SourceFile(name=name, data=text.encode())
        parser = next(p for p in parsers if p.accepts(source))
        out.append(parser.parse(source, IngestLimits()))
    return out


def test_a_business_key_beats_the_person_and_every_candidate_is_kept() -> None:
    identity = site_identity(
        _docs(
            {
                "about.md": "# About\n\nOla Berg is an architect in Bergen.\n",
                "contact.txt": "Practice: Berg Arkitekter\nAddress: Strandkaien 4, 5013 Bergen\n",
            }
        )
    )
    assert (identity.title, identity.owner) == ("Berg Arkitekter", "Ola Berg")
    best = identity.candidates[0]
    assert (best.document, best.locator.line, best.how) == (
        "contact.txt",
        1,
        "a 'Practice' value",
    )


def test_keys_repeated_in_a_file_describe_records_not_the_site() -> None:
    identity = site_identity(
        _docs({"menu.txt": "Name: Fish soup\nPrice: 12\n\nName: Bread\nPrice: 4\n"})
    )
    assert identity.title == ""
    assert identity.candidates == ()


def test_an_address_is_not_a_name() -> None:
    identity = site_identity(_docs({"contact.txt": "Studio: Kvarnbygatan 14, 431 34 Mölndal\n"}))
    assert identity.title == ""
