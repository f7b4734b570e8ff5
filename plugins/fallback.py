"""Model skills that fall back to the offline skill of their slot (``KIRBYGEN_SKILLS=auto``).

The fallback is explicit: it happens only when the model is unavailable or its answer
unusable — never for a bad API key or a spend limit, which a person has to fix — and it is
written into the run's notes, so the report says which phase was done without the model
and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from domain.content import StructuredContent
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import Document
from domain.llm import CONFIGURATION_FAILURES, LlmError
from domain.model_use import record_note
from domain.ports import ContentStructurer, DesignSkill, DomainMapper, Skill
from domain.project import Conversation
from domain.schema import ContentSchema


class _Fallback:
    def __init__(self, primary: Skill, fallback: Skill) -> None:
        self.slot = primary.slot
        self.name = primary.name
        # Part of the checkpoint fingerprint: which pair ran.
        self.version = (
            f"{getattr(primary, 'version', '')}+fallback:{fallback.name}:"
            f"{getattr(fallback, 'version', '')}"
        )
        self.primary = primary
        self.fallback = fallback

    def _run(self, call: Callable[[Skill], Any]) -> Any:
        try:
            return call(self.primary)
        except LlmError as error:
            if error.failure in CONFIGURATION_FAILURES:
                raise
            record_note(
                f"{self.slot}: the model failed ({error.code}: {error.message}); the "
                f"{self.fallback.name} skill was used instead (KIRBYGEN_SKILLS=auto)"
            )
            return call(self.fallback)


class MappingFallback(_Fallback):
    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        return cast(
            ContentSchema,
            self._run(lambda s: cast(DomainMapper, s).map(documents, conversation, name)),
        )


class StructuringFallback(_Fallback):
    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        return cast(
            StructuredContent,
            self._run(lambda s: cast(ContentStructurer, s).structure(documents, schema)),
        )


class DesignFallback(_Fallback):
    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        return cast(DesignSystem, self._run(lambda s: cast(DesignSkill, s).design(brand, images)))


FALLBACK_WRAPPERS: dict[str, Callable[[Skill, Skill], Skill]] = {
    "mapping": MappingFallback,
    "structuring": StructuringFallback,
    "design": DesignFallback,
}
