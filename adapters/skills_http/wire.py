"""What the skills service and its clients say to each other.

Bodies are JSON made by the project's cattrs converter (``domain.serialization``), so domain
objects round-trip exactly; the one difference is that ``bytes`` travel as base64 (C-speed
``binascii``) rather than the converter's base85 (pure Python, several times slower on
images — see ``bench/skills_transfer.py``).

A call answers ``{"result": …, "usage": TokenUsage, "notes": […]}``: the result, and what
the skill added to the model-use ledger on the service, which the client adds to its own,
so a run's usage and notes read as when the skill ran in-process. A skill's error answers
422 with ``{"error": {"code", "message", "details": {"kind", …}}}``, from which the client
raises the same domain error the in-process call would have raised.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

from domain.design import BrandInputs, ImageSample
from domain.documents import Document, IngestLimits, RejectedInput, RejectionCode, SourceFile
from domain.errors import (
    DependencyUnavailable,
    InvalidInput,
    KirbyGenError,
    NotFound,
    RunCancelled,
    RunDeferred,
)
from domain.llm import LlmError, LlmFailure
from domain.project import Conversation, TokenUsage
from domain.refusals import Conflict, Unprocessable
from domain.schema import ContentSchema
from domain.serialization import converter
from plugins.errors import InvalidPlugin, MissingSkill
from plugins.manager import SlotReport

WIRE: cattrs.Converter = converter.copy()
WIRE.register_unstructure_hook(bytes, lambda data: base64.b64encode(data).decode("ascii"))
WIRE.register_structure_hook(bytes, lambda value, _: base64.b64decode(value, validate=True))

HEALTH_PATH = "/health"
SKILLS_PATH = "/skills"
ACCEPTS_PATH = "/skills/parsers/accepts"
# A skill error is an answer, not an outage: never one of the statuses a client retries.
SKILL_ERROR_STATUS = 422


def skill_path(slot: str) -> str:
    return f"{SKILLS_PATH}/{slot}"


# --- requests, one shape per skill method ---------------------------------------------------


@attrs.frozen
class AcceptsRequest:
    """Which of ``slots`` (parser slots, in the order the pipeline asks them) is the first
    whose parser accepts ``source``."""

    source: SourceFile
    slots: tuple[str, ...]


@attrs.frozen
class AcceptsAnswer:
    slot: str | None  # None: none of the slots asked about accepts the file


@attrs.frozen
class ParseRequest:
    source: SourceFile
    limits: IngestLimits


@attrs.frozen
class MapRequest:
    documents: tuple[Document, ...]
    conversation: Conversation | None
    name: str


@attrs.frozen
class StructureRequest:
    documents: tuple[Document, ...]
    schema: ContentSchema


@attrs.frozen
class DesignRequest:
    brand: BrandInputs
    images: tuple[ImageSample, ...]


@attrs.frozen
class ReplyRequest:
    documents: tuple[Document, ...]
    conversation: Conversation
    schema: ContentSchema
    message: str


@attrs.frozen
class SkillInfo:
    """One winning skill as the service reports it: what the client's proxy presents."""

    slot: str
    name: str
    version: str = ""
    media_types: tuple[str, ...] = ()  # parsers only
    # A parser that works in a child process: ingest then sends several files at once.
    runs_in_child: bool = False


@attrs.frozen
class SkillsDescription:
    """``GET /skills``: parsers in the order they are asked, then the other slots."""

    parsers: tuple[SkillInfo, ...]
    slots: tuple[SkillInfo, ...]
    # Every filled slot and who fills it (what `kirbygen plugins` prints).
    report: tuple[SlotReport, ...] = ()


# --- errors ---------------------------------------------------------------------------------

# Domain errors rebuilt by class name: (message, code) is all their constructors take.
_SIMPLE_ERRORS: dict[str, type[KirbyGenError]] = {
    cls.__name__: cls
    for cls in (
        KirbyGenError,
        InvalidInput,
        NotFound,
        RunCancelled,
        Conflict,
        Unprocessable,
        DependencyUnavailable,
        InvalidPlugin,
        MissingSkill,
    )
}


class SkillCrashed(Exception):
    """A skill raised something that is not a domain error (a bug, a broken file).

    Rebuilt on the client as a subclass named like the original exception, so that
    ``f"{type(exc).__name__}: {exc}"`` — how a run records such a failure — reads the same
    whether the skill ran in-process or on the skills service.
    """


_CRASH_CLASSES: dict[str, type[SkillCrashed]] = {}


def _crash_class(name: str) -> type[SkillCrashed]:
    if not name.isidentifier():
        return SkillCrashed
    if name not in _CRASH_CLASSES:
        _CRASH_CLASSES[name] = type(name, (SkillCrashed,), {})
    return _CRASH_CLASSES[name]


def encode_error(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    """(code, message, details) of a skill's exception; ``details["kind"]`` says how the
    client rebuilds it."""
    if isinstance(exc, LlmError):
        details = {"kind": "llm", "failure": exc.failure.value, "retries": exc.retries}
        return exc.code, exc.message, details
    if isinstance(exc, RunDeferred):
        return exc.code, exc.message, {"kind": "deferred", "delay_seconds": exc.delay_seconds}
    if isinstance(exc, RejectedInput):
        return exc.code.value, exc.reason, {"kind": "rejected"}
    if isinstance(exc, KirbyGenError):
        # The nearest class the client knows: a plugin's own subclass arrives as its base.
        known = next(c.__name__ for c in type(exc).__mro__ if c.__name__ in _SIMPLE_ERRORS)
        return exc.code, exc.message, {"kind": "domain", "class": known}
    return "skill_crashed", str(exc), {"kind": "crash", "type": type(exc).__name__}


def _llm(code: str, message: str, details: dict[str, Any]) -> BaseException:
    failure = LlmFailure(details.get("failure", code))
    return LlmError(message, failure=failure, retries=int(details.get("retries", 0)))


def _deferred(code: str, message: str, details: dict[str, Any]) -> BaseException:
    return RunDeferred(message, delay_seconds=float(details.get("delay_seconds", 0)))


def _rejected(code: str, message: str, details: dict[str, Any]) -> BaseException:
    return RejectedInput(RejectionCode(code), message)


def _domain(code: str, message: str, details: dict[str, Any]) -> BaseException:
    cls = _SIMPLE_ERRORS.get(str(details.get("class")), KirbyGenError)
    return cls(message, code=code)


def _crash(code: str, message: str, details: dict[str, Any]) -> BaseException:
    return _crash_class(str(details.get("type", "")))(message)


_DECODERS: dict[str, Callable[[str, str, dict[str, Any]], BaseException]] = {
    "llm": _llm,
    "deferred": _deferred,
    "rejected": _rejected,
    "domain": _domain,
    "crash": _crash,
}


def decode_error(code: str, message: str, details: dict[str, Any]) -> BaseException:
    """The exception ``encode_error`` described; an unknown kind is a plain domain error."""
    decoder = _DECODERS.get(str(details.get("kind")), _domain)
    try:
        return decoder(code, message, details)
    except (ValueError, TypeError):
        return KirbyGenError(message, code=code)


def usage_of(data: Any) -> TokenUsage:
    return WIRE.structure(data or {}, TokenUsage)
