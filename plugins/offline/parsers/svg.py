"""SVG "parser": accepts a passive drawing, refuses one that could run or fetch anything.

An SVG is XML that a browser runs: scripts, event handler attributes, ``javascript:`` links,
embedded HTML (foreignObject) and references to other files or hosts would all reach the
visitors of the generated site. Rather than rewrite such a file (and serve something the
person did not make), it is refused with the reason; a clean SVG is used as it is.
"""

from __future__ import annotations

import io
import re
from xml.etree.ElementTree import Element

from domain.documents import Document, IngestLimits, RejectedInput, RejectionCode, SourceFile
from domain.media_types import SVG
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.parsers.guards import iter_xml
from plugins.offline.parsers.image import image_document

_ACTIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object",
                              "handler", "listener", "audio", "video"})  # fmt: skip
_LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction"})
# url(#gradient) points inside the file; any other url(…) or @import fetches something.
_EXTERNAL_CSS = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.I)
_SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.I)


class SvgParser:
    slot = "parser.svg"
    name = "svg"
    media_types = frozenset({SVG})

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == SVG

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        if len(source.data) > limits.max_xml_bytes:
            raise RejectedInput(
                RejectionCode.LIMIT_EXCEEDED,
                f"the SVG is {len(source.data)} bytes, over the limit "
                f"max_xml_bytes={limits.max_xml_bytes}",
            )
        # Read incrementally and checked element by element; each finished element is
        # dropped, so a flood of elements costs no memory (the element limit stops it).
        metadata: dict[str, str] = {}
        path: list[Element] = []
        for event, element, depth in iter_xml(io.BytesIO(source.data), "the SVG", limits):
            if event == "start":
                if depth == 1:
                    if _local(element.tag) != "svg":
                        raise RejectedInput(
                            RejectionCode.PARSE_ERROR, "the root element is not <svg>"
                        )
                    metadata = {
                        k: v for k in ("width", "height", "viewBox") if (v := element.get(k))
                    }
                path.append(element)
                continue
            path.pop()
            problem = active_content(element)
            if problem:
                raise RejectedInput(
                    RejectionCode.UNSAFE_CONTENT, f"the SVG is refused: it {problem}"
                )
            if path:
                path[-1].remove(element)
        return image_document(source.name, SVG, self.name, **metadata)


def active_content(element: Element) -> str | None:
    """What in ``element`` could run code or load another resource, or None."""
    tag = _local(element.tag)
    if tag in _ACTIVE_ELEMENTS:
        return f"contains a <{tag}> element"
    if tag == "style" and _EXTERNAL_CSS.search(element.text or ""):
        return "has a stylesheet that loads external resources"
    for raw_name, value in element.attrib.items():
        name = _local(raw_name).lower()
        if name.startswith("on"):
            return f"has an event handler attribute ({name})"
        if name in _LINK_ATTRIBUTES and value.strip() and not value.strip().startswith("#"):
            kind = "a script link" if _SCRIPT_URL.match(value) else "an external reference"
            return f"has {kind} ({name}={value[:60]!r})"
        if name == "style" and _EXTERNAL_CSS.search(value):
            return "has a style attribute that loads external resources"
        if _SCRIPT_URL.match(value):
            return f"has a script URL in {name}"
    return None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [SvgParser()]
