"""Phase 1: turn raw source files into documents; a bad file is reported, never fatal.

Every file is judged from its bytes (``domain.media_types.identify``), within the named
``IngestLimits`` handed to each parser. A parser refuses a hostile file by raising
``RejectedInput`` with the limit it hit; any other exception is reported as a parse error.
Either way the rest of the batch goes on.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import attrs

from application import log_context
from domain.documents import (
    Document,
    IngestLimits,
    IngestResult,
    RejectedFile,
    RejectedInput,
    RejectionCode,
    SourceFile,
)
from domain.errors import DependencyUnavailable
from domain.media_types import CLAIMED_BY_SUFFIX, IMAGE_TYPES, identify
from domain.names import unsafe_name_reason
from domain.ports import DocumentParser

# Names that say a file is text: refusing one says which ways of reading it were tried.
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".json"})


def ingest(
    sources: Sequence[SourceFile],
    parsers: Sequence[DocumentParser],
    already_rejected: Sequence[RejectedFile] = (),
    limits: IngestLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Reads every source; ``progress`` is told ``(done, total)`` after each file."""
    limits = limits or IngestLimits()
    documents: list[Document] = []
    rejected: list[RejectedFile] = list(already_rejected)
    images: list[str] = []
    ordered = sorted(sources, key=lambda s: s.name)
    outcomes = read_sources(ordered, parsers, limits)
    for done, (source, outcome) in enumerate(zip(ordered, outcomes, strict=True), start=1):
        if isinstance(outcome, RejectedFile):
            rejected.append(outcome)
        elif outcome is None:
            images.append(source.name)  # an image no installed parser inspects
        else:
            documents.append(outcome)
            if outcome.media_type.startswith("image/"):
                images.append(source.name)
        if progress is not None:
            progress(done, len(ordered))
    return IngestResult(
        documents=tuple(documents),
        rejected=tuple(sorted(rejected, key=lambda r: r.name)),
        images=tuple(images),
    )


Outcome = Document | RejectedFile | None


@attrs.frozen
class _Parse:
    """A file that passed the checks, and the parser that reads it."""

    source: SourceFile
    parser: DocumentParser

    @property
    def in_child(self) -> bool:
        return bool(getattr(self.parser, "runs_in_child", False))


def read_sources(
    sources: Sequence[SourceFile], parsers: Sequence[DocumentParser], limits: IngestLimits
) -> Iterator[Outcome]:
    """``read_source`` of each file, in the order given, each as soon as it and the files
    before it are read.

    Parsers that run in a child process (PDF, DOCX) spend their time in that child, so up to
    ``parse_workers`` files are parsed at once; the answers keep the order of ``sources``,
    so the result is the same as reading them one by one. With fewer than two such files
    the files are read one by one, as starting the pool would cost more than it saves.
    """
    checked = [_checked(source, parsers, limits) for source in sources]
    work = [c for c in checked if isinstance(c, _Parse)]
    workers = min(parse_workers(limits), sum(1 for w in work if w.in_child))
    if workers < 2:
        for c in checked:
            yield _parsed(c, limits) if isinstance(c, _Parse) else c
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kirbygen-parse") as pool:
        # Log lines of the parse threads name the run and phase, as those of this thread do.
        parse = log_context.carried(_parsed)
        parsed = pool.map(lambda w: parse(w, limits), work)
        for c in checked:
            yield next(parsed) if isinstance(c, _Parse) else c


def parse_workers(limits: IngestLimits) -> int:
    """Files parsed at once: the ``parse_workers`` limit, or one per CPU when it is 0."""
    return limits.parse_workers or os.cpu_count() or 1


def read_source(
    source: SourceFile, parsers: Sequence[DocumentParser], limits: IngestLimits
) -> Outcome:
    """The document a file gives, or why it was refused; None for an image that no
    installed parser inspects (it is then used as it is)."""
    checked = _checked(source, parsers, limits)
    return _parsed(checked, limits) if isinstance(checked, _Parse) else checked


def _checked(
    source: SourceFile, parsers: Sequence[DocumentParser], limits: IngestLimits
) -> _Parse | RejectedFile | None:
    """The file typed from its bytes with the parser that reads it, or the reason it is
    refused before any parser sees it; None for an image no installed parser inspects."""

    def refuse(code: RejectionCode, reason: str) -> RejectedFile:
        return RejectedFile(source.name, code, reason)

    name_problem = unsafe_name_reason(source.name)
    if name_problem:
        return refuse(RejectionCode.UNSAFE_NAME, name_problem)
    if not source.data:
        return refuse(RejectionCode.EMPTY, "the file is empty")
    if len(source.data) > limits.max_file_bytes:
        return refuse(
            RejectionCode.TOO_LARGE,
            f"{len(source.data)} bytes exceed the limit max_file_bytes={limits.max_file_bytes}",
        )
    detected = identify(source.data)
    claimed = claimed_type(source.name)
    if claimed is not None and claimed != detected:
        return refuse(
            RejectionCode.TYPE_MISMATCH,
            f"its name says {claimed} but its bytes look like {detected}",
        )
    typed = SourceFile(name=source.name, data=source.data, media_type=detected)
    parser = next((p for p in parsers if p.accepts(typed)), None)
    if parser is None:
        if detected in IMAGE_TYPES:
            return None
        reason = f"no installed parser reads this kind of file (its bytes look like {detected})"
        if posixpath.splitext(source.name.lower())[1] in _TEXT_SUFFIXES:
            reason += (
                "; read as text it was tried as UTF-8, UTF-16 and UTF-32 (by byte-order mark)"
                " and in single-byte encodings, but it holds binary data"
            )
        return refuse(RejectionCode.UNSUPPORTED_TYPE, reason)
    return _Parse(typed, parser)


def _parsed(work: _Parse, limits: IngestLimits) -> Document | RejectedFile:
    source, parser = work.source, work.parser
    try:
        return parser.parse(source, limits)
    except RejectedInput as exc:
        return RejectedFile(source.name, exc.code, exc.reason)
    except DependencyUnavailable:
        raise  # the service that parses is down: not a fault of this file
    except Exception as exc:  # a broken file or parser must not stop the batch
        return RejectedFile(
            source.name, RejectionCode.PARSE_ERROR, f"{parser.name} could not read it: {exc}"
        )


def claimed_type(name: str) -> str | None:
    """The media type a file's name claims, for the formats whose bytes are unmistakable."""
    suffix = posixpath.splitext(name.lower())[1]
    return CLAIMED_BY_SUFFIX.get(suffix)


def nothing_readable(result: IngestResult, what: str) -> str:
    """Why a batch without a single text document cannot go on, with the first reasons."""
    reasons = "; ".join(f"{r.name}: {r.reason}" for r in result.rejected[:5])
    return f"none of the {what} could be read" + (f" ({reasons})" if reasons else "")
