"""``SkillRegistry`` over HTTP: proxies that present the service's winning skills.

Each proxy carries the remote skill's slot, name and version, so run fingerprints (and so
checkpoint reuse) are the same as in-process. Which parser reads a file is asked once per
file: the service answers the first of the remaining parsers that accepts it, and the
proxies answer ``accepts`` from that answer in the order the pipeline asks them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs

from adapters.skills_http.client import SkillError, SkillsClient
from adapters.skills_http.wire import (
    ACCEPTS_PATH,
    SKILLS_PATH,
    WIRE,
    AcceptsAnswer,
    AcceptsRequest,
    DesignRequest,
    MapRequest,
    ParseRequest,
    ReplyRequest,
    SkillInfo,
    SkillsDescription,
    StructureRequest,
    skill_path,
    usage_of,
)
from domain.content import StructuredContent
from domain.conversation import ConversationReply
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import Document, IngestLimits, SourceFile
from domain.model_use import record_note, record_usage
from domain.ports import (
    ContentStructurer,
    ConversationSkill,
    DesignSkill,
    DocumentParser,
    DomainMapper,
)
from domain.project import Conversation, TokenUsage
from domain.schema import ContentSchema
from plugins.errors import MissingSkill
from plugins.manager import (
    CONVERSATION_SLOT,
    DESIGN_SLOT,
    MAPPING_SLOT,
    STRUCTURING_SLOT,
    SlotReport,
)

T = TypeVar("T")


class HttpSkillRegistry:
    """domain.ports.SkillRegistry whose skills run on the skills service.

    The service's skills are read at each ``parsers()``/``mapper()``/… call (one small GET),
    so a redeployed service with other plugins is seen by the next run without a restart.
    """

    def __init__(self, client: SkillsClient) -> None:
        self._client = client

    def parsers(self) -> list[DocumentParser]:
        described = self._described()
        chooser = _FirstAccepting(self, tuple(p.slot for p in described.parsers))
        return [RemoteParser(info, self, chooser) for info in described.parsers]

    def mapper(self) -> DomainMapper:
        return RemoteMapper(self._required(MAPPING_SLOT), self)

    def structurer(self) -> ContentStructurer:
        return RemoteStructurer(self._required(STRUCTURING_SLOT), self)

    def designer(self) -> DesignSkill:
        return RemoteDesigner(self._required(DESIGN_SLOT), self)

    def conversation(self) -> ConversationSkill | None:
        info = _find(self._described(), CONVERSATION_SLOT)
        return None if info is None else RemoteConversation(info, self)

    def describe(self) -> list[SlotReport]:
        return list(self._described().report)

    def call(self, path: str, request: object, result: type[T]) -> T:
        """POST one skill call; adds the call's model use to the current ledger and raises
        the skill's own error when it failed."""
        try:
            data = self._client.post(path, WIRE.unstructure(request))
        except SkillError as failed:
            _record(failed.details)
            raise failed.error from None
        _record(data)
        return WIRE.structure(data.get("result"), result)

    def _described(self) -> SkillsDescription:
        return WIRE.structure(self._client.get(SKILLS_PATH).get("result"), SkillsDescription)

    def _required(self, slot: str) -> SkillInfo:
        info = _find(self._described(), slot)
        if info is None:
            raise MissingSkill(f"No installed plugin provides a skill for the slot '{slot}'.")
        return info


def _find(described: SkillsDescription, slot: str) -> SkillInfo | None:
    return next((s for s in described.slots if s.slot == slot), None)


def _record(data: dict[str, Any]) -> None:
    usage = usage_of(data.get("usage"))
    if usage != TokenUsage():
        record_usage(usage)
    for note in data.get("notes") or ():
        record_note(str(note))


class _Remote:
    def __init__(self, info: SkillInfo, registry: HttpSkillRegistry) -> None:
        self.slot = info.slot
        self.name = info.name
        self.version = info.version
        self._registry = registry

    def __repr__(self) -> str:
        return f"<remote skill {self.slot}:{self.name}>"


@attrs.define
class _Answer:
    source: SourceFile
    start: int
    first: int | None  # index of the first accepting parser from ``start``; None: none


class _FirstAccepting:
    """Remembers, for the file last asked about, which parser is the first to accept it."""

    def __init__(self, registry: HttpSkillRegistry, slots: tuple[str, ...]) -> None:
        self._registry = registry
        self._slots = slots
        self._lock = threading.Lock()
        self._last: _Answer | None = None

    def accepts(self, slot: str, source: SourceFile) -> bool:
        index = self._slots.index(slot)
        with self._lock:
            last = self._last
        if last is None or not _known(last, source, index):
            remaining = self._slots[index:]
            request = AcceptsRequest(source, remaining)
            answer = self._registry.call(ACCEPTS_PATH, request, AcceptsAnswer).slot
            first = index + remaining.index(answer) if answer in remaining else None
            last = _Answer(source, index, first)
            with self._lock:
                self._last = last
        return last.first == index


def _known(answer: _Answer, source: SourceFile, index: int) -> bool:
    same = answer.source is source or answer.source == source
    return same and answer.start <= index and (answer.first is None or index <= answer.first)


class RemoteParser(_Remote):
    def __init__(
        self, info: SkillInfo, registry: HttpSkillRegistry, chooser: _FirstAccepting
    ) -> None:
        super().__init__(info, registry)
        self.media_types = frozenset(info.media_types)
        self.runs_in_child = info.runs_in_child
        self._chooser = chooser

    def accepts(self, source: SourceFile) -> bool:
        return self._chooser.accepts(self.slot, source)

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        return self._registry.call(skill_path(self.slot), ParseRequest(source, limits), Document)


class RemoteMapper(_Remote):
    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        request = MapRequest(tuple(documents), conversation, name)
        return self._registry.call(skill_path(self.slot), request, ContentSchema)


class RemoteStructurer(_Remote):
    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        request = StructureRequest(tuple(documents), schema)
        return self._registry.call(skill_path(self.slot), request, StructuredContent)


class RemoteDesigner(_Remote):
    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        request = DesignRequest(brand, tuple(images))
        return self._registry.call(skill_path(self.slot), request, DesignSystem)


class RemoteConversation(_Remote):
    def reply(
        self,
        documents: Sequence[Document],
        conversation: Conversation,
        schema: ContentSchema,
        message: str,
    ) -> ConversationReply:
        request = ReplyRequest(tuple(documents), conversation, schema, message)
        return self._registry.call(skill_path(self.slot), request, ConversationReply)
