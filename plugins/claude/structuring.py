"""Claude content structurer: the model extracts the items, every value checked in the source.

Documents go to the model in batches (``documents_per_call``). Each extracted value must
appear in the document the model says it came from (``verify``): a value found nowhere is
left out and reported — the model never adds facts. Provenance records the block the value
was found in, ``method: model`` and the model's confidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.content import ContentItem, ItemStatus, Provenance, ProvenanceMethod, StructuredContent
from domain.documents import Document, Locator
from domain.json_schema import conform, schema_for
from domain.llm import LlmError, LlmFailure, LlmMessage, ModelSkillSettings
from domain.model_use import record_note
from domain.names import NumberedNames
from domain.ports import LanguageModel, Skill
from domain.schema import (
    CHOICE_TYPES,
    ContentSchema,
    EntityKind,
    Field,
    FieldType,
)
from plugins.claude.common import schema_text, text_documents
from plugins.claude.data_blocks import DataBlocks, block_line, render
from plugins.claude.schema_checks import entity_id
from plugins.claude.tools import EXTRACT_ITEMS, SYSTEM, TOOLBOX, ExtractedItem
from plugins.claude.verify import SourceText
from plugins.hookspecs import hookimpl

ITEM_SCHEMA = schema_for(ExtractedItem)
_TEXT_TYPES = frozenset(
    {FieldType.TEXT, FieldType.TEXTAREA, FieldType.RICHTEXT, FieldType.MARKDOWN,
     FieldType.CODE, FieldType.URL, FieldType.EMAIL, FieldType.TEL, FieldType.COLOR,
     FieldType.IMAGE, FieldType.FILE, FieldType.TIME, FieldType.DATETIME}
)  # fmt: skip
_LIST_TYPES = frozenset(
    {FieldType.TAGS, FieldType.LIST, FieldType.MULTISELECT, FieldType.CHECKBOXES,
     FieldType.GALLERY, FieldType.FILES}
)  # fmt: skip


class ClaudeContentStructurer:
    slot = "structuring"
    name = "claude-structuring"
    version = "1"

    def __init__(self, model: LanguageModel, settings: ModelSkillSettings) -> None:
        self._model = model
        self._settings = settings

    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        docs = text_documents(documents)
        size = self._settings.documents_per_call
        extracted: list[tuple[ExtractedItem, Document]] = []
        for start in range(0, len(docs), size):
            batch = docs[start : start + size]
            blocks = render(
                batch, max_chars=self._settings.max_document_chars, first_index=start + 1
            )
            extracted.extend(self._extract(schema, blocks))
        return _content(schema, extracted, documents_text(docs))

    def _extract(
        self, schema: ContentSchema, blocks: DataBlocks
    ) -> list[tuple[ExtractedItem, Document]]:
        request = (
            f"The content schema:\n{schema_text(schema)}\n\n{blocks.text}\n\n"
            "Task extract_items: extract the items of these documents."
        )
        result = self._model.structured(
            SYSTEM,
            [LlmMessage("user", request)],
            EXTRACT_ITEMS,
            max_tokens=self._settings.max_tokens,
            toolbox=TOOLBOX,
        )
        for repair in result.repairs:
            record_note(f"structuring: {repair}")
        raw_items = result.data.get("items")
        if not isinstance(raw_items, list):
            raw_items = [] if raw_items is None else [raw_items]
        found: list[tuple[ExtractedItem, Document]] = []
        problems: list[str] = []
        # Item by item: one malformed item (or the half item of a cut-off answer) is left
        # out and reported; the others stand.
        for index, raw in enumerate(raw_items):
            try:
                data, repairs = conform(raw, ITEM_SCHEMA)
            except LlmError as exc:
                problems.append(f"items[{index}]: {exc.message}")
                continue
            for repair in repairs:
                record_note(f"structuring: items[{index}].{repair}")
            item = ExtractedItem(**data)
            document = blocks.documents.get(item.document.strip())
            if document is None:
                problems.append(f"item {item.title!r} names no document given ({item.document!r})")
                continue
            found.append((item, document))
        for problem in problems:
            record_note(f"structuring: {problem}; left out")
        if problems and not found:
            raise LlmError(
                f"none of the {len(raw_items)} items the model extracted is usable: {problems[0]}",
                failure=LlmFailure.BAD_OUTPUT,
            )
        return found


def documents_text(documents: Sequence[Document]) -> dict[str, SourceText]:
    texts: dict[str, SourceText] = {}
    for document in documents:
        lines = [block_line(b) for b in document.blocks]
        lines += [f"{k}: {v}" for k, v in document.front_matter.items()]
        lines.append(document.title)
        texts[document.source] = SourceText("\n".join(lines))
    return texts


def _content(
    schema: ContentSchema,
    extracted: Sequence[tuple[ExtractedItem, Document]],
    texts: dict[str, SourceText],
) -> StructuredContent:
    items: list[ContentItem] = []
    slugs: dict[str, NumberedNames] = {}
    for item, document in extracted:
        entity = schema.entity(item.entity) or schema.entity(entity_id(item.entity))
        where = f"{document.source}: {item.title!r}"
        if entity is None:
            record_note(f"structuring: {where} names an unknown entity {item.entity!r}; left out")
            continue
        source = texts[document.source]
        if not source.has_text(item.title):
            record_note(f"structuring: {where}: the title is not in the document; left out")
            continue
        used = slugs.setdefault(entity.id, NumberedNames())
        if entity.kind is EntityKind.SINGLE and used.taken:
            continue  # a single page has one item: the first one found
        confidence = min(1.0, max(0.0, item.confidence))
        fields: dict[str, object] = {}
        provenance = {"title": _provenance(document, item.title, confidence)}
        for key, value in item.fields.items():
            field = entity.field(key)
            if field is None:
                record_note(f"structuring: {where}: no field {entity.id}.{key}; value left out")
                continue
            kept = _verified(field, value, source, f"{where} {field.id}")
            if kept is None:
                continue
            fields[field.id] = kept
            provenance[field.id] = _provenance(document, _first_text(kept), confidence)
        slug = used.claim(entity.id if entity.kind is EntityKind.SINGLE else _slug(item.title))
        items.append(
            ContentItem(
                id=f"{entity.id}/{slug}",
                entity=entity.id,
                slug=slug,
                title=item.title.strip(),
                status=ItemStatus.LISTED,
                sort=len(used.taken),
                fields=fields,
                provenance=provenance,
            )
        )
    return StructuredContent(items=tuple(items))


def _verified(field: Field, value: object, source: SourceText, where: str) -> object | None:
    """The value when the material says it; otherwise None, with a note saying why."""
    kept, problem = _check(field, value, source)
    if problem:
        record_note(f"structuring: {where}: {problem}; left out")
    return kept


def _check(field: Field, value: object, source: SourceText) -> tuple[object | None, str]:
    """(the value to keep or None, what is wrong with it or "")."""
    kind = field.type
    missing = f"{value!r} not found in the material"
    if kind in _LIST_TYPES:
        values = value if isinstance(value, list) else [value]
        kept = [str(v) for v in values if _scalar(v) and source.has_text(str(v))]
        lost = [v for v in values if str(v) not in kept]
        return (kept or None), (f"{lost!r} not found in the material" if lost else "")
    if kind is FieldType.BOOLEAN:
        return (value, "") if isinstance(value, bool) else (None, f"{value!r} is not true/false")
    if kind in (FieldType.NUMBER, FieldType.RANGE):
        number = _number(value) if isinstance(value, str) else value
        if number is None or not _scalar(number) or isinstance(number, str):
            return None, f"{value!r} is not a number"
        value = number
        return (value, "") if source.has_number(value) else (None, missing)  # type: ignore[arg-type]
    if kind is FieldType.DATE:
        if isinstance(value, str) and source.has_date(value):
            return value, ""
        return None, f"{value!r} not found in the material as a date"
    if kind in CHOICE_TYPES:
        choices = {c.value for c in field.options.choices}
        return (value, "") if value in choices else (None, f"{value!r} is not one of its choices")
    if kind in _TEXT_TYPES:
        if not _scalar(value):
            return None, f"{value!r} is not text"
        text = str(value).strip()
        return (text, "") if source.has_text(text) else (None, missing)
    return None, f"{kind.value} fields are not filled by the model"


def _number(text: str) -> float | int | None:
    """A number written as text ("2023", "1 200", "4.5"), else None."""
    cleaned = text.strip().replace(" ", "").replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _first_text(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value)


def _provenance(document: Document, value: str, confidence: float) -> Provenance:
    return Provenance(
        document=document.source,
        locator=_locate(document, value),
        method=ProvenanceMethod.MODEL,
        confidence=round(confidence, 3),
    )


def _locate(document: Document, value: str) -> Locator:
    """The locator of the first block that holds ``value`` (the whole document if none)."""
    wanted = SourceText(value).text
    for block in document.blocks:
        if wanted and wanted in SourceText(block_line(block)).text:
            return block.locator
    return Locator()


def _slug(title: str) -> str:
    return entity_id(title) or "item"


@hookimpl
def kirbygen_model_skills(model: LanguageModel, settings: ModelSkillSettings) -> list[Skill]:
    return [ClaudeContentStructurer(model, settings)]
