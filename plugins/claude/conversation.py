"""Claude modelling conversation: short questions, the schema growing turn by turn.

Each turn sends the material (data blocks), the conversation so far, the schema as it
stands now — with whatever the person edited by hand since the last turn — and the
person's new message. The model answers with a short reply (ending in one question, or
asking for approval), the whole updated schema, and whether the message approved it.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.conversation import ConversationReply
from domain.documents import Document
from domain.llm import LlmMessage, ModelSkillSettings
from domain.model_use import record_note
from domain.ports import LanguageModel, Skill
from domain.project import Conversation
from domain.schema import ContentSchema
from plugins.claude.common import schema_text, text_documents
from plugins.claude.data_blocks import neutralise, render
from plugins.claude.mapping import schema_from
from plugins.claude.tools import CONVERSATION_TURN, SYSTEM, TOOLBOX
from plugins.hookspecs import hookimpl


class ClaudeConversation:
    slot = "conversation"
    name = "claude-conversation"
    version = "1"

    def __init__(self, model: LanguageModel, settings: ModelSkillSettings) -> None:
        self._model = model
        self._settings = settings

    def reply(
        self,
        documents: Sequence[Document],
        conversation: Conversation,
        schema: ContentSchema,
        message: str,
    ) -> ConversationReply:
        blocks = render(text_documents(documents), max_chars=self._settings.max_document_chars)
        said = "\n".join(f"{t.role}: {neutralise(t.text)}" for t in conversation.turns)
        request = (
            f"{blocks.text}\n\nThe conversation so far:\n{said or '(none)'}\n\n"
            f"The current schema:\n{schema_text(schema)}\n\n"
            f"The person's new message:\n<message>{neutralise(message)}</message>\n\n"
            "Task conversation_turn: answer the person's new message."
        )
        result = self._model.structured(
            SYSTEM, [LlmMessage("user", request)], CONVERSATION_TURN, toolbox=TOOLBOX
        )
        notes: list[str] = []
        updated = schema_from(
            result.data, schema.name, self._settings, notes.append, CONVERSATION_TURN.input_schema
        )
        for note in notes:
            record_note(note)
        reply = str(result.data.get("reply", "")).strip() or "Updated the schema."
        approved = result.data.get("approved") is True
        tokens = result.usage.input_tokens + result.usage.output_tokens
        return ConversationReply(text=reply, schema=updated, approved=approved, tokens=tokens)


@hookimpl
def kirbygen_model_skills(model: LanguageModel, settings: ModelSkillSettings) -> list[Skill]:
    return [ClaudeConversation(model, settings)]
