"""The schema conversation: an offline guided questionnaire over the inferred schema.

Starting reads the project's uploads, runs the mapping skill and asks about each entity in
turn. The state (turns, which entity is being discussed) is kept in the session store, so a
conversation survives a restart and can be resumed from another device; the schema itself is
the project's draft schema.
"""

from __future__ import annotations

import attrs

from application import keys
from application.access import ProjectAccess
from application.ingest import ingest, nothing_readable
from application.locks import ProjectLocks
from application.project_status import set_project_status
from application.questionnaire import HELP, NotUnderstood, interpret, question
from application.schemas import SchemaInvalid, SchemaService, SchemaStore
from domain.documents import Document, IngestLimits, IngestResult, SourceFile
from domain.errors import InvalidInput, KirbyGenError
from domain.llm import CONFIGURATION_FAILURES, LlmError
from domain.model_use import recording
from domain.ports import (
    Clock,
    ConversationSkill,
    ProjectRepository,
    SessionStore,
    SkillRegistry,
    Storage,
)
from domain.project import Conversation, Project, ProjectStatus, Role, Turn, UploadKind
from domain.refusals import Conflict, Unprocessable
from domain.schema import ContentSchema
from domain.serialization import from_json, to_json

APPROVED_NEXT = "The schema is approved: start a run to generate the site, or keep editing."
ASSISTANT = "assistant"
USER = "user"


@attrs.frozen
class ConversationState:
    conversation: Conversation
    cursor: int = 0


@attrs.frozen
class ConversationView:
    conversation: Conversation
    schema: ContentSchema
    question: str
    reply: str
    approved: bool


class ConversationService:
    def __init__(
        self,
        *,
        repository: ProjectRepository,
        storage: Storage,
        sessions: SessionStore,
        skills: SkillRegistry,
        schemas: SchemaService,
        store: SchemaStore,
        access: ProjectAccess,
        clock: Clock,
        ttl_seconds: int,
        max_message_chars: int,
        ingest_limits: IngestLimits,
        fallback: bool = False,
        locks: ProjectLocks,
    ) -> None:
        self._locks = locks
        self._repository = repository
        self._storage = storage
        self._sessions = sessions
        self._skills = skills
        self._schemas = schemas
        self._store = store
        self._access = access
        self._clock = clock
        self._ttl = ttl_seconds
        self._max_chars = max_message_chars
        self._ingest_limits = ingest_limits
        # KIRBYGEN_SKILLS=auto: a failing model turn is answered by the guided questions.
        self._fallback = fallback

    def start(self, project_id: str, user_id: str, *, restart: bool = False) -> ConversationView:
        """Begin (or, unless ``restart``, resume) the conversation of a project."""
        project = self._access.require(project_id, user_id, Role.EDITOR)
        with self._locks.hold(project_id):
            return self._start_locked(project, restart=restart)

    def _start_locked(self, project: Project, *, restart: bool) -> ConversationView:
        project_id = project.id
        state = self._load(project_id)
        if state is not None and not restart:
            return self._view(project_id, state, reply=state.conversation.turns[-1].text)
        schema, intro = self._infer(project)
        self._schemas.check(schema)
        self._store.save_draft(project_id, schema)
        set_project_status(self._repository, self._clock, project.id, ProjectStatus.MAPPING)
        first = question(schema, 0)
        state = ConversationState(Conversation(project_id, (Turn(ASSISTANT, f"{intro} {first}"),)))
        self._save(state)
        return self._view(project_id, state, reply=intro)

    def get(self, project_id: str, user_id: str) -> ConversationView:
        self._access.require(project_id, user_id, Role.VIEWER)
        state = self._require_state(project_id)
        return self._view(project_id, state, reply=state.conversation.turns[-1].text)

    def message(self, project_id: str, user_id: str, text: str) -> ConversationView:
        project = self._access.require(project_id, user_id, Role.EDITOR)
        if not text.strip():
            raise InvalidInput("the message is empty", code="empty_message")
        if len(text) > self._max_chars:
            raise InvalidInput(
                f"the message is longer than KIRBYGEN_MAX_MESSAGE_CHARS={self._max_chars}",
                code="message_too_long",
            )
        # The turns and the schema are read, changed and written as one step: a concurrent
        # message waits for this one instead of writing over it.
        with self._locks.hold(project_id):
            return self._message_locked(project, user_id, text)

    def _message_locked(self, project: Project, user_id: str, text: str) -> ConversationView:
        project_id = project.id
        state = self._require_state(project_id)
        schema = self._current_schema(project_id)
        cursor, approved = state.cursor, state.conversation.approved
        skill = self._skills.conversation()
        if skill is not None:
            try:
                return self._model_turn(skill, project, user_id, text, schema=schema, state=state)
            except LlmError as exc:
                if not self._fallback or exc.failure in CONFIGURATION_FAILURES:
                    raise
                # Under KIRBYGEN_SKILLS=auto the guided questions take over, and say so.
                note = f"(The model is unavailable: {exc.message}. Guided questions instead.) "
        else:
            note = ""
        try:
            reply, schema, cursor, approved = self._answer(
                project_id, user_id, text, schema, cursor
            )
        except NotUnderstood as exc:
            reply = exc.message
        except SchemaInvalid as exc:
            reply = f"That would make the schema invalid ({exc.message}); nothing was changed."
        reply = note + reply
        follow = question(schema, cursor)
        answer = reply if approved else f"{reply} {follow}"
        turns = (*state.conversation.turns, Turn(USER, text), Turn(ASSISTANT, answer))
        conversation = attrs.evolve(state.conversation, turns=turns, approved=approved)
        state = ConversationState(conversation, cursor)
        self._save(state)
        return self._view(project_id, state, reply=reply)

    # --- the model's conversation ----------------------------------------------------------

    def _model_turn(
        self,
        skill: ConversationSkill,
        project: Project,
        user_id: str,
        text: str,
        *,
        schema: ContentSchema,
        state: ConversationState,
    ) -> ConversationView:
        """One turn with the conversation skill: the schema it returns replaces the draft
        (validated like a hand edit), and its approval approves it."""
        documents, _ = self._documents(project)
        with recording() as model_use:
            answer = skill.reply(documents, state.conversation, schema, text)
        reply = answer.text
        approved = False
        try:
            self._schemas.put(project.id, user_id, answer.schema)
            if answer.approved:
                self._schemas.approve(project.id, user_id)
                approved = True
        except SchemaInvalid as exc:
            reply = f"{reply} (That schema is not valid: {exc.message}; nothing was changed.)"
        tokens = model_use.usage.input_tokens + model_use.usage.output_tokens
        turns = (
            *state.conversation.turns,
            Turn(USER, text),
            Turn(ASSISTANT, reply, tokens=tokens or answer.tokens),
        )
        conversation = attrs.evolve(state.conversation, turns=turns, approved=approved)
        state = ConversationState(conversation, state.cursor)
        self._save(state)
        return self._view(project.id, state, reply=reply)

    # --- the questionnaire ---------------------------------------------------------------

    def _answer(
        self, project_id: str, user_id: str, text: str, schema: ContentSchema, cursor: int
    ) -> tuple[str, ContentSchema, int, bool]:
        step = interpret(text)
        if step.kind == "help":
            return HELP, schema, cursor, False
        if step.kind == "next":
            return "Noted.", schema, min(cursor + 1, len(schema.entities)), False
        if step.kind == "approve":
            self._schemas.approve(project_id, user_id)
            return "Approved. Start a run to generate the site.", schema, cursor, True
        assert step.edit is not None
        edit = step.edit(schema, cursor)
        self._schemas.put(project_id, user_id, edit.schema)
        return edit.reply, edit.schema, cursor, False

    def _documents(self, project: Project) -> tuple[list[Document], IngestResult]:
        uploads = self._repository.list_uploads(project.id)
        # Only content uploads are material; branding and moodboard images feed the design.
        sources = [
            SourceFile(u.original_name, self._storage.get(u.stored_key))
            for u in uploads
            if u.kind is UploadKind.CONTENT
        ]
        result = ingest(sources, self._skills.parsers(), limits=self._ingest_limits)
        if not result.text_documents:
            raise Unprocessable(nothing_readable(result, "uploads"), code="no_documents")
        return list(result.documents), result

    def _infer(self, project: Project) -> tuple[ContentSchema, str]:
        _, result = self._documents(project)
        try:
            schema = self._skills.mapper().map(result.documents, None, project.name)
        except KirbyGenError:
            raise
        except Exception as exc:  # a skill's bug is reported, not hidden
            raise Unprocessable(f"the mapping skill failed: {exc}", code="skill_failed") from exc
        names = ", ".join(e.plural_name for e in schema.entities)
        intro = f"I read {len(result.documents)} document(s) and found: {names}."
        if result.rejected:
            intro += f" I could not read {len(result.rejected)} file(s)."
        return schema, intro + " Let us go through them."

    # --- state ---------------------------------------------------------------------------

    def _current_schema(self, project_id: str) -> ContentSchema:
        schema = self._store.draft(project_id)
        if schema is None:
            raise Conflict("the conversation's schema is gone; restart it", code="schema_not_found")
        return schema

    def _view(self, project_id: str, state: ConversationState, reply: str) -> ConversationView:
        schema = self._current_schema(project_id)
        approved = self._store.approved(project_id) == schema
        asked = APPROVED_NEXT if approved else question(schema, state.cursor)
        return ConversationView(
            conversation=state.conversation,
            schema=schema,
            question=asked,
            reply=reply,
            approved=approved,
        )

    def _require_state(self, project_id: str) -> ConversationState:
        state = self._load(project_id)
        if state is None:
            raise Conflict(
                "no conversation yet: start one with POST …/conversation",
                code="conversation_not_started",
            )
        return state

    def _load(self, project_id: str) -> ConversationState | None:
        raw = self._sessions.get(keys.conversation_session(project_id))
        return None if raw is None else from_json(raw, ConversationState)

    def _save(self, state: ConversationState) -> None:
        key = keys.conversation_session(state.conversation.project_id)
        self._sessions.put(key, to_json(state, indent=None).encode(), self._ttl)
