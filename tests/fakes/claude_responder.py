"""A stand-in for the model's judgement, for the fake Anthropic server: it answers each tool
from answers prepared in the test (a schema, the items of the material), picking out what
belongs to the documents a request actually carries. Deterministic, so runs can be compared.
"""

from __future__ import annotations

import json
import re
from typing import Any

from domain.content import StructuredContent
from domain.schema import ContentSchema
from domain.serialization import to_data
from tests.fakes.anthropic_server import ErrorTurn, ToolTurn, Turn

_DOCUMENT = re.compile(r'<document id="(d\d+)" source="([^"]*)">')
_COLOUR = re.compile(r"^- (#[0-9a-f]{6}) \(", re.MULTILINE)


def request_text(body: dict[str, Any]) -> str:
    parts = []
    for message in body.get("messages", []):
        for block in message["content"]:
            if block.get("type") == "text":
                parts.append(block["text"])
    return "\n".join(parts)


class MaterialResponder:
    """Answers propose_schema, extract_items, choose_colours and conversation_turn."""

    def __init__(self, schema: ContentSchema, content: StructuredContent) -> None:
        self.schema = schema
        self.content = content

    def __call__(self, body: dict[str, Any]) -> Turn:
        tool = (body.get("tool_choice") or {}).get("name")
        text = request_text(body)
        if tool == "propose_schema":
            return ToolTurn({"schema": to_data(self.schema)})
        if tool == "extract_items":
            return ToolTurn({"items": self._items(text)})
        if tool == "choose_colours":
            colours = _COLOUR.findall(text)
            picks = dict(zip(("primary", "secondary", "accent"), colours, strict=False))
            return ToolTurn({**picks, "mood": "calm, earthy"})
        if tool == "conversation_turn":
            schema = _current_schema(text) or to_data(self.schema)
            approved = "approve" in text.rsplit("<message>", 1)[-1].lower()
            return ToolTurn({"reply": "Noted. Anything else?", "schema": schema,
                             "approved": approved})  # fmt: skip
        return ErrorTurn(400, "invalid_request_error", f"the responder has no answer for {tool}")

    def _items(self, text: str) -> list[dict[str, Any]]:
        ids = {source: doc_id for doc_id, source in _DOCUMENT.findall(text)}
        items = []
        for item in self.content.items:
            document = item.provenance["title"].document if "title" in item.provenance else None
            if document not in ids:
                continue
            fields = {
                k: v for k, v in item.fields.items() if isinstance(v, str | int | float | list)
            }
            items.append({"entity": item.entity, "title": item.title, "document": ids[document],
                          "fields": fields, "confidence": 0.9})  # fmt: skip
        return items


def _current_schema(text: str) -> Any:
    match = re.search(r"The current schema:\n(\{.*\})\n\nThe person's new message", text, re.S)
    return json.loads(match.group(1)) if match else None
