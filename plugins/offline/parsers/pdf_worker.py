"""Child process that reads one PDF: bytes on stdin, JSON on stdout.

Run by ``plugins.offline.parsers.pdf`` as ``python -m plugins.offline.parsers.pdf_worker``
with the limits as arguments. PDFs are parsed here rather than in the worker or web process
because a hostile PDF can make a parser loop or allocate without bound: this process caps its
own address space and CPU time before it reads a byte, and its parent kills it on a timeout.

The page tree is walked (and counted) before pypdf flattens it, so a tree that claims or holds
more pages than ``--max-pages``, or that loops, is refused without building the page list.
"""

from __future__ import annotations

import io
import re
import sys
from typing import Any

from plugins.offline.parsers.child import Refused, child_main

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_PREV = re.compile(rb"/Prev\s+(\d+)")
_MAX_XREF_SECTIONS = 1000


def count_pages(pages_root: Any, max_pages: int) -> int:
    """Leaves of the page tree, refusing loops and trees past ``max_pages``.

    Iterative, so a deep tree cannot exhaust the stack; a node reached again on its own path
    is a loop. A node shared by several parents counts once per parent, as a viewer would.
    """
    from pypdf.generic import IndirectObject

    declared = pages_root.get("/Count")
    if isinstance(declared, int) and declared > max_pages:
        raise Refused(
            "limit_exceeded",
            f"the page tree declares {declared} pages, over the limit max_pages={max_pages}",
        )
    count = visits = 0
    # Empty intermediate nodes hold no pages but still cost a visit each.
    max_visits = max_pages * 4 + 1000
    path: set[int] = set()
    stack: list[tuple[Any, int | None, bool]] = [(pages_root, None, False)]
    while stack:
        node, ident, leaving = stack.pop()
        if leaving:
            path.discard(ident if ident is not None else -1)
            continue
        visits += 1
        if visits > max_visits:
            raise Refused(
                "limit_exceeded",
                f"the page tree has more than {max_visits} nodes (limit max_pages={max_pages})",
            )
        kids = node.get("/Kids") if hasattr(node, "get") else None
        if kids is None or node.get("/Type") == "/Page":
            count += 1
            if count > max_pages:
                raise Refused(
                    "limit_exceeded",
                    f"the document has more than {max_pages} pages (limit max_pages={max_pages})",
                )
            continue
        if ident is not None:
            path.add(ident)
            stack.append((node, ident, True))
        for kid in reversed(list(kids)):
            kid_id = kid.idnum if isinstance(kid, IndirectObject) else None
            if kid_id is not None and kid_id in path:
                raise Refused("parse_error", "the page tree loops back on itself")
            stack.append((kid.get_object(), kid_id, False))
    return count


def check_xref_chain(data: bytes) -> None:
    """Refuse a cross-reference chain whose /Prev links loop. No writer makes one; a reader
    that follows it naively never stops, and one that stops silently reads a guess."""
    found = list(_STARTXREF.finditer(data[-2048:]))
    if not found:
        return  # no startxref: pypdf rebuilds the table from the objects, a bounded scan
    offset: int | None = int(found[-1].group(1))
    seen: set[int] = set()
    while offset is not None and 0 <= offset < len(data):
        if offset in seen:
            raise Refused(
                "parse_error", "the cross-reference chain loops back on itself (circular /Prev)"
            )
        if len(seen) >= _MAX_XREF_SECTIONS:
            raise Refused(
                "limit_exceeded", f"more than {_MAX_XREF_SECTIONS} cross-reference sections"
            )
        seen.add(offset)
        end = data.find(b"startxref", offset)
        prev = _PREV.search(data, offset, end if end >= 0 else len(data))
        offset = int(prev.group(1)) if prev else None


def read_pdf(data: bytes, max_pages: int, max_chars: int) -> dict[str, Any]:
    from pypdf import PdfReader

    check_xref_chain(data)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise Refused("unreadable", "the PDF is encrypted")
    root: Any = reader.trailer["/Root"].get_object()
    count_pages(root["/Pages"].get_object(), max_pages)
    texts: list[str] = []
    total = 0
    for page in reader.pages:
        # Layout mode keeps text that sits side by side on one line, so columns can be told
        # apart; a page it cannot lay out is read the plain way.
        try:
            text = page.extract_text(extraction_mode="layout") or ""
        except Exception:
            text = page.extract_text() or ""
        total += len(text)
        if total > max_chars:
            raise Refused("limit_exceeded", f"more text than max_text_chars={max_chars}")
        texts.append(text)
    title = author = None
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
        author = metadata.author if metadata is not None else None
    except Exception:  # a damaged info dictionary only costs the title
        title = author = None
    return {
        "ok": True,
        "pages": texts,
        "title": str(title) if title else None,
        "author": str(author) if author else None,
    }


def _arguments(parser: Any) -> None:
    parser.add_argument("--max-pages", type=int, required=True)
    parser.add_argument("--max-chars", type=int, required=True)


def main() -> int:
    return child_main(_arguments, lambda data, args: read_pdf(data, args.max_pages, args.max_chars))


if __name__ == "__main__":
    sys.exit(main())
