"""PDF parser: the text of each page, split into paragraphs, `Key: value` lines and list items.

The PDF itself is read by ``pdf_worker`` in a child process with a memory cap and a timeout
(``pdf_memory_bytes``, ``pdf_timeout_seconds``), so a hostile PDF can cost at most that
and never the process that ingests the rest of the batch. Locators give the page, the
paragraph's number on that page, its lines and its character span in the page's text.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import attrs

from domain.documents import (
    Block,
    BlockKind,
    Document,
    IngestLimits,
    Locator,
    RejectedInput,
    RejectionCode,
    SourceFile,
)
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.parsers.pdf_layout import Rows, reading_order, running_lines
from plugins.offline.parsers.tables import table_blocks
from plugins.offline.parsers.text import parse_text_blocks
from plugins.offline.parsers.textlines import SourceLine, split_lines
from plugins.offline.parsers.titles import file_title

PDF_MEDIA_TYPE = "application/pdf"
WORKER_MODULE = "plugins.offline.parsers.pdf_worker"
# The folder that holds the ``plugins`` package, so the child finds it wherever it runs.
_IMPORT_ROOT = str(Path(__file__).resolve().parents[3])


class PdfParser:
    slot = "parser.pdf"
    name = "pdf"
    media_types = frozenset({PDF_MEDIA_TYPE})

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == PDF_MEDIA_TYPE

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        result = run_worker(source.data, limits)
        pages = result.get("pages")
        page_lines = [split_lines(str(text)) for text in (pages if isinstance(pages, list) else [])]
        running, set_aside = running_lines(page_lines)
        blocks: list[Block] = []
        tables = 0
        for page_number, lines in enumerate(page_lines, start=1):
            kept = [line for line in lines if (page_number, line.number) not in running]
            for segment in reading_order(kept):
                if isinstance(segment, Rows):
                    tables += 1
                    rows = [
                        (cells, Locator(line=line.number, end_line=line.number, page=page_number))
                        for cells, line in segment.rows
                    ]
                    blocks.extend(table_blocks(segment.columns, rows, tables))
                else:
                    blocks.extend(_page_blocks(segment, page_number))
        declared = " ".join(str(result.get("title") or "").split())
        heading = next((b.text for b in blocks if b.kind is BlockKind.PARAGRAPH), "")
        first_line = heading.split("\n", 1)[0].strip() if len(heading) <= 120 else ""
        author = " ".join(str(result.get("author") or "").split())
        return Document(
            source=source.name,
            media_type=PDF_MEDIA_TYPE,
            title=declared or first_line or file_title(source.name),
            blocks=tuple(blocks),
            parser=self.name,
            metadata={"author": author} if author else {},
            set_aside=tuple(set_aside),
        )


def run_worker(data: bytes, limits: IngestLimits) -> dict[str, object]:
    """The worker's answer for ``data``; raises RejectedInput for every way it can fail."""
    command = [
        sys.executable,
        "-m",
        WORKER_MODULE,
        "--max-pages",
        str(limits.max_pdf_pages),
        "--max-chars",
        str(limits.max_text_chars),
        "--memory-bytes",
        str(limits.pdf_memory_bytes),
        "--cpu-seconds",
        str(math.ceil(limits.pdf_timeout_seconds)),
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_IMPORT_ROOT, env.get("PYTHONPATH")) if p)
    try:
        completed = subprocess.run(
            command,
            input=data,
            capture_output=True,
            timeout=limits.pdf_timeout_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RejectedInput(
            RejectionCode.TIMEOUT,
            f"reading the PDF took longer than pdf_timeout_seconds={limits.pdf_timeout_seconds}",
        ) from None
    try:
        answer = json.loads(completed.stdout)
    except ValueError:
        # No answer: the child was killed, most often by its memory or CPU limit.
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"the PDF reader stopped (exit {completed.returncode}) within its limits "
            f"pdf_memory_bytes={limits.pdf_memory_bytes}, "
            f"pdf_timeout_seconds={limits.pdf_timeout_seconds}",
        ) from None
    if not isinstance(answer, dict):
        raise RejectedInput(RejectionCode.PARSE_ERROR, "the PDF reader gave no usable answer")
    if not answer.get("ok"):
        return _refusal(answer, limits)
    return answer


def _refusal(answer: dict[str, object], limits: IngestLimits) -> dict[str, object]:
    code = str(answer.get("code") or RejectionCode.PARSE_ERROR)
    reason = str(answer.get("reason") or "the PDF could not be read")
    if reason == "memory":
        reason = (
            f"reading the PDF needed more memory than pdf_memory_bytes={limits.pdf_memory_bytes}"
        )
    reason = reason.replace("max_pages=", "max_pdf_pages=")
    known = {c.value for c in RejectionCode}
    raise RejectedInput(RejectionCode(code) if code in known else RejectionCode.PARSE_ERROR, reason)


def _page_blocks(lines: list[SourceLine], page: int) -> list[Block]:
    blocks = parse_text_blocks(lines)
    return [
        attrs.evolve(block, locator=attrs.evolve(block.locator, page=page, paragraph=number))
        for number, block in enumerate(blocks, start=1)
    ]


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [PdfParser()]
