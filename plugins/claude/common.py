"""What the Claude skills share: the documents they read, and building the tool schemas."""

from __future__ import annotations

import json
from collections.abc import Sequence

from domain.documents import Document
from domain.llm import ModelSkillSettings
from domain.schema import ContentSchema
from domain.serialization import to_data
from domain.validation import SchemaLimits


def text_documents(documents: Sequence[Document]) -> list[Document]:
    """The documents with text (images are media, not material to read)."""
    return [d for d in documents if not d.media_type.startswith("image/")]


def schema_limits(settings: ModelSkillSettings) -> SchemaLimits:
    return SchemaLimits(
        max_entities=settings.max_entities, max_fields_per_entity=settings.max_fields_per_entity
    )


def schema_text(schema: ContentSchema) -> str:
    """The schema as compact JSON, for a prompt (it is the model's own kind of output)."""
    return json.dumps(to_data(schema), ensure_ascii=False, sort_keys=True)
