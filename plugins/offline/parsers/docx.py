"""Word (DOCX) parser: headings, paragraphs, list items, `Key: value` lines and tables.

A DOCX is a zip of XML parts; only ``word/document.xml`` (and the title and author in
``docProps/core.xml``) is read, by ``docx_worker`` in a child process with a memory and CPU
cap, incrementally and within the zip and XML limits (see ``guards``). Locators number the
body's paragraphs and tables from 1 in reading order (``paragraph``) and give the character
span in the document's text, which is its paragraphs joined by newlines.
"""

from __future__ import annotations

from domain.documents import Block, BlockKind, Document, IngestLimits, SourceFile
from domain.media_types import DOCX
from domain.ports import Skill
from domain.serialization import from_data
from plugins.hookspecs import hookimpl
from plugins.offline.naming import humanise, source_stem
from plugins.offline.parsers.child import run_child
from plugins.offline.parsers.docx_worker import arguments_for

WORKER_MODULE = "plugins.offline.parsers.docx_worker"


class DocxParser:
    slot = "parser.docx"
    name = "docx"
    media_types = frozenset({DOCX})
    # Parsed in a child process: ingest may run several of these at once.
    runs_in_child = True

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == DOCX

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        answer = run_child(WORKER_MODULE, arguments_for(limits), source.data, limits, "DOCX")
        raw_blocks = answer.get("blocks")
        blocks = [from_data(b, Block) for b in raw_blocks] if isinstance(raw_blocks, list) else []
        declared = answer.get("title") if isinstance(answer.get("title"), str) else None
        author = answer.get("author") if isinstance(answer.get("author"), str) else None
        heading = next(
            (b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None
        )
        return Document(
            source=source.name,
            media_type=DOCX,
            title=declared or heading or humanise(source_stem(source.name)),
            blocks=tuple(blocks),
            parser=self.name,
            metadata={"author": author} if author else {},
        )


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [DocxParser()]
