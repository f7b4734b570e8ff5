"""The skills service: the skill plugins behind a small private HTTP API.

``GET /health`` (no auth) says which skill wins each slot and how many calls each slot has
answered since start. Everything else needs ``Authorization: Bearer $SKILLS_API_TOKEN``:
``GET /skills`` (what the clients' proxies present), ``POST /skills/parsers/accepts`` and
one ``POST /skills/<slot>`` per skill. Skills run in the thread pool, inside a model-use
ledger whose usage and notes go back with the answer (see ``adapters.skills_http.wire``).
"""

from __future__ import annotations

import asyncio
import binascii
import hmac
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.skills_http.wire import (
    ACCEPTS_PATH,
    HEALTH_PATH,
    SKILL_ERROR_STATUS,
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
    encode_error,
)
from config.settings import Settings
from domain.errors import KirbyGenError
from domain.model_use import ModelUseLedger, recording
from domain.ports import DocumentParser, Skill
from domain.refusals import LimitExceeded
from entrypoints.http.body import parse_json, timed_chunks
from entrypoints.http.errors import error_response, http_error, internal_error, kirbygen_error
from entrypoints.http.middleware import RequestContextMiddleware
from plugins.errors import MissingSkill
from plugins.manager import KNOWN_SLOTS, PARSER_PREFIX, PluginSkillRegistry

logger = logging.getLogger("kirbygen.skills")


@attrs.frozen
class _Method:
    """How one slot's skill is called: the request shape and the call."""

    request: type
    call: Callable[[Any, Any], object]


# One entry per kind of slot; parser slots (``parser.<format>``) share the first.
_METHODS: dict[str, _Method] = {
    "parser": _Method(ParseRequest, lambda skill, r: skill.parse(r.source, r.limits)),
    "mapping": _Method(MapRequest, lambda skill, r: skill.map(r.documents, r.conversation, r.name)),
    "structuring": _Method(
        StructureRequest, lambda skill, r: skill.structure(r.documents, r.schema)
    ),
    "design": _Method(DesignRequest, lambda skill, r: skill.design(r.brand, r.images)),
    "conversation": _Method(
        ReplyRequest,
        lambda skill, r: skill.reply(r.documents, r.conversation, r.schema, r.message),
    ),
}


class SkillsService:
    """The registry's winning skills, and a count of the calls each slot answered."""

    def __init__(self, registry: PluginSkillRegistry) -> None:
        self._registry = registry
        self._parsers: dict[str, DocumentParser] = {p.slot: p for p in registry.parsers()}
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()

    def count(self, slot: str) -> None:
        with self._lock:
            self._calls[slot] += 1

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)

    def skill(self, slot: str) -> Skill | None:
        if slot.startswith(PARSER_PREFIX):
            return self._parsers.get(slot)
        if slot not in KNOWN_SLOTS:
            return None
        try:
            return self._registry.skill(slot)
        except MissingSkill:
            return None

    def description(self) -> SkillsDescription:
        slots = [s for s in (self.skill(slot) for slot in KNOWN_SLOTS) if s is not None]
        return SkillsDescription(
            parsers=tuple(_info(p) for p in self._parsers.values()),
            slots=tuple(_info(s) for s in slots),
            report=tuple(self._registry.describe()),
        )

    def parsers_in(self, slots: tuple[str, ...]) -> list[DocumentParser]:
        unknown = [s for s in slots if s not in self._parsers]
        if unknown:
            raise KirbyGenError(
                f"no parser fills {', '.join(unknown)} on this skills service",
                code="skill_not_found",
            )
        return [self._parsers[s] for s in slots]


def _info(skill: Skill) -> SkillInfo:
    media_types = sorted(getattr(skill, "media_types", ()) or ())
    return SkillInfo(
        slot=skill.slot,
        name=skill.name,
        version=str(getattr(skill, "version", "")),
        media_types=tuple(media_types),
        runs_in_child=bool(getattr(skill, "runs_in_child", False)),
    )


def _first_accepting(parsers: list[DocumentParser], request: AcceptsRequest) -> AcceptsAnswer:
    found = next((p for p in parsers if p.accepts(request.source)), None)
    return AcceptsAnswer(None if found is None else found.slot)


def create_skills_app(registry: PluginSkillRegistry, settings: Settings) -> Starlette:
    service = SkillsService(registry)
    token = settings.backends.skills.token.encode()
    http = settings.http
    max_bytes = settings.backends.skills.max_request_bytes

    def require_token(request: Request) -> Response | None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # compare_digest: how much of the token matched never shows in the answer's timing.
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token):
            return None
        return error_response(
            401,
            "unauthenticated",
            "the skills service needs Authorization: Bearer $SKILLS_API_TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )

    async def read_request(request: Request, shape: type) -> Any:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(max_bytes)
        chunks: list[bytes] = []
        size = 0
        async for chunk in timed_chunks(
            request.stream(),
            idle_seconds=http.body_timeout_seconds,
            total_seconds=http.upload_timeout_seconds,
            idle_limit="KIRBYGEN_BODY_TIMEOUT_SECONDS",
            total_limit="KIRBYGEN_UPLOAD_TIMEOUT_SECONDS",
        ):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
        data = parse_json(b"".join(chunks), max_depth=http.max_json_depth)
        try:
            return WIRE.structure(data, shape)
        except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, binascii.Error):
            raise KirbyGenError(
                f"the body is not a {shape.__name__}", code="invalid_request"
            ) from None

    async def health(request: Request) -> Response:
        slots = [
            {"slot": s.slot, "winner": s.winner, "plugin": s.winner_plugin, "family": s.family}
            for s in registry.describe()
        ]
        return _json({"status": "ok", "skills": slots, "calls": service.calls()})

    async def skills(request: Request) -> Response:
        refused = require_token(request)
        if refused is not None:
            return refused
        return _json({"result": WIRE.unstructure(service.description())})

    async def accepts(request: Request) -> Response:
        refused = require_token(request)
        if refused is not None:
            return refused
        asked: AcceptsRequest = await read_request(request, AcceptsRequest)
        parsers = service.parsers_in(asked.slots)
        service.count("parsers.accepts")
        return await _run(lambda: _first_accepting(parsers, asked))

    async def call(request: Request) -> Response:
        refused = require_token(request)
        if refused is not None:
            return refused
        slot = request.path_params["slot"]
        method = _METHODS.get("parser" if slot.startswith(PARSER_PREFIX) else slot)
        skill = service.skill(slot) if method is not None else None
        if method is None or skill is None:
            return error_response(
                404, "skill_not_found", f"no skill fills the slot {slot!r} on this service"
            )
        arguments = await read_request(request, method.request)
        service.count(slot)
        return await _run(lambda: method.call(skill, arguments))

    routes = [
        Route(HEALTH_PATH, health, methods=["GET"]),
        Route(SKILLS_PATH, skills, methods=["GET"]),
        Route(ACCEPTS_PATH, accepts, methods=["POST"]),
        Route(SKILLS_PATH + "/{slot}", call, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            KirbyGenError: kirbygen_error,
            HTTPException: http_error,
            Exception: internal_error,
        },
    )
    app.add_middleware(RequestContextMiddleware, hsts=False)
    return app


def _too_large(limit: int) -> LimitExceeded:
    return LimitExceeded(
        f"the request body is over KIRBYGEN_SKILLS_MAX_REQUEST_BYTES={limit}",
        limit="KIRBYGEN_SKILLS_MAX_REQUEST_BYTES",
        value=limit,
        code="too_large",
    )


async def _run(work: Callable[[], object]) -> Response:
    """Runs a skill in the thread pool inside a ledger; its error becomes a 422 envelope."""

    def ledgered() -> tuple[object, BaseException | None, ModelUseLedger]:
        with recording() as ledger:
            try:
                return work(), None, ledger
            except Exception as exc:
                return None, exc, ledger

    result, error, ledger = await asyncio.to_thread(ledgered)
    use = {"usage": WIRE.unstructure(ledger.usage), "notes": list(ledger.notes)}
    if error is None:
        return _json({"result": WIRE.unstructure(result), **use})
    code, message, details = encode_error(error)
    if details["kind"] == "crash":
        logger.warning("skill raised %s: %s", type(error).__name__, error, exc_info=error)
    body = {"error": {"code": code, "message": message, "details": {**details, **use}}}
    return _json(body, status=SKILL_ERROR_STATUS)


def _json(content: Any, status: int = 200) -> Response:
    # json.dumps' defaults (NaN allowed), unlike JSONResponse: a value a skill returns
    # in-process must not become a 500 on the way out.
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode(), status_code=status, media_type="application/json")
