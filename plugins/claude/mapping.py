"""Claude domain mapper: the model proposes the content schema from the material."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.documents import Document
from domain.json_schema import conform
from domain.llm import LlmMessage, ModelSkillSettings
from domain.model_use import record_note
from domain.ports import LanguageModel, Skill
from domain.project import Conversation
from domain.schema import ContentSchema
from domain.serialization import from_data
from plugins.claude.common import schema_limits, text_documents
from plugins.claude.data_blocks import render
from plugins.claude.schema_checks import checked_schema
from plugins.claude.tools import PROPOSE_SCHEMA, SYSTEM, TOOLBOX
from plugins.hookspecs import hookimpl


class ClaudeDomainMapper:
    slot = "mapping"
    name = "claude-mapping"
    version = "1"

    def __init__(self, model: LanguageModel, settings: ModelSkillSettings) -> None:
        self._model = model
        self._settings = settings

    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        blocks = render(text_documents(documents), max_chars=self._settings.max_document_chars)
        request = f"The site is called: {name}\n\n{blocks.text}\n\n"
        if conversation is not None and conversation.turns:
            said = "\n".join(f"{t.role}: {t.text}" for t in conversation.turns)
            request += f"What the person said about their site so far:\n{said}\n\n"
        request += "Task propose_schema: propose the content schema of this site."
        result = self._model.structured(
            SYSTEM, [LlmMessage("user", request)], PROPOSE_SCHEMA, toolbox=TOOLBOX
        )
        return schema_from(result.data, name, self._settings, record_note)


def schema_from(
    answer: dict[str, object],
    name: str,
    settings: ModelSkillSettings,
    note: Callable[[str], None],
    tool_schema: dict[str, object] | None = None,
) -> ContentSchema:
    data, repairs = conform(answer, tool_schema or PROPOSE_SCHEMA.input_schema)
    for repair in repairs:
        note(f"mapping: {repair}")
    schema = from_data(data["schema"], ContentSchema)
    if not schema.name.strip():
        schema = ContentSchema(
            name=name, entities=schema.entities, relationships=schema.relationships
        )
    return checked_schema(schema, schema_limits(settings), note)


@hookimpl
def kirbygen_model_skills(model: LanguageModel, settings: ModelSkillSettings) -> list[Skill]:
    return [ClaudeDomainMapper(model, settings)]
