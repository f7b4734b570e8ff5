"""WebSocket ``/api/projects/{project_id:id}/events``: a run's stored events, then the live ones.

Authentication: the access token as the ``token`` query parameter, or (so it stays out of
URLs and logs) as the first message ``{"type": "auth", "token": "…"}`` within a few seconds.
``run`` picks the run (default: the project's latest), ``after`` skips events up to a seq.

Messages sent: ``{"type": "event", "event": {…}}`` for each event in ``seq`` order, then
``{"type": "end", "run": {…}}`` once the run has finished, and the socket closes (1000).
Refusals close the socket after an ``{"type": "error", "error": {…}}`` message, with code
4401 (not authenticated), 4404 (no such project or run — also for another user's project)
or 4400 (bad parameters, or a message that is not a JSON object). A binary message is closed
with 1003 (unsupported data), a message over KIRBYGEN_MAX_WS_MESSAGE_BYTES with 1009 (too big).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketDisconnect

from domain.errors import KirbyGenError, NotFound
from domain.project import Run
from domain.refusals import Unauthenticated
from entrypoints.http.body import parse_json
from entrypoints.http.context import services
from entrypoints.http.identifiers import ID_PATTERN
from entrypoints.http.views import event_view, run_view

AUTH_TIMEOUT_SECONDS = 10
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_BAD_REQUEST = 4400
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_TOO_BIG = 1009


class _Refused(Exception):
    """A client message that ends the socket with ``close_code``."""

    def __init__(self, close_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.close_code = close_code
        self.code = code
        self.message = message


async def project_events(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        user_id = await _authenticate(websocket)
        after = _after(websocket.query_params.get("after", "0") or "0")
        run = await run_in_threadpool(_pick_run, websocket, user_id)
    except Unauthenticated as exc:
        await _refuse(websocket, CLOSE_UNAUTHENTICATED, exc.code, exc.message)
        return
    except NotFound as exc:
        await _refuse(websocket, CLOSE_NOT_FOUND, exc.code, exc.message)
        return
    except _Refused as exc:
        await _refuse(websocket, exc.close_code, exc.code, exc.message)
        return
    except (ValueError, KirbyGenError) as exc:
        await _refuse(websocket, CLOSE_BAD_REQUEST, "bad_request", str(exc))
        return
    except WebSocketDisconnect:
        return
    await _stream(websocket, run, after)


async def _authenticate(websocket: WebSocket) -> str:
    svc = services(websocket)
    token = websocket.query_params.get("token")
    if not token:
        try:
            message = await asyncio.wait_for(websocket.receive(), AUTH_TIMEOUT_SECONDS)
        except TimeoutError:
            raise Unauthenticated("send {'type': 'auth', 'token': …} first") from None
        first = _client_json(message, svc.http.max_ws_message_bytes, svc.http.max_json_depth)
        token = first.get("token")
        if not isinstance(token, str) or first.get("type") != "auth":
            raise Unauthenticated("send {'type': 'auth', 'token': …} first")
    user_id: str = await run_in_threadpool(svc.accounts.authenticate, token)
    return user_id


def _client_json(message: Message, max_bytes: int, max_depth: int) -> dict[str, Any]:
    """The JSON object in a client's text message; refusals name what was wrong."""
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        raise _Refused(CLOSE_UNSUPPORTED_DATA, "unsupported_data", "send text (JSON), not binary")
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise _Refused(
            CLOSE_TOO_BIG,
            "message_too_big",
            f"the message is larger than KIRBYGEN_MAX_WS_MESSAGE_BYTES={max_bytes}",
        )
    data = parse_json(raw, max_depth=max_depth)
    if not isinstance(data, dict):
        raise _Refused(CLOSE_BAD_REQUEST, "invalid_json", "send a JSON object")
    return data


def _after(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or int(raw) >= 2**31:
        raise ValueError("'after' must be a whole number from 0 to 2147483647")
    return int(raw)


def _pick_run(websocket: WebSocket, user_id: str) -> Run:
    svc = services(websocket)
    project_id = websocket.path_params["project_id"]
    run_id = websocket.query_params.get("run")
    if run_id is not None and not ID_PATTERN.fullmatch(run_id):
        raise NotFound(f"no run {run_id[:64]!r} in this project", code="run_not_found")
    if run_id:
        return svc.runs.get(project_id, user_id, run_id)
    latest = svc.runs.latest(project_id, user_id)
    if latest is None:
        svc.projects.get(project_id, user_id)  # a member: the project simply has no run
        raise NotFound("this project has no run yet", code="run_not_found")
    return latest


async def _stream(websocket: WebSocket, run: Run, after: int) -> None:
    events = services(websocket).events
    follower = asyncio.create_task(_follow(websocket, run, after))
    watcher = asyncio.create_task(_wait_for_disconnect(websocket))
    try:
        done, _ = await asyncio.wait({follower, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if follower not in done or follower.exception() is not None:
            return  # the client went away (or the socket broke)
        await websocket.send_json({"type": "end", "run": run_view(await events.current(run))})
        await websocket.close(code=1000)
    except (WebSocketDisconnect, RuntimeError):
        return  # the client went away
    finally:
        for task in (follower, watcher):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


async def _follow(websocket: WebSocket, run: Run, after: int) -> None:
    async for event in services(websocket).events.follow(run, after=after):
        await websocket.send_json({"type": "event", "event": event_view(event)})


async def _wait_for_disconnect(websocket: WebSocket) -> None:
    """Returns when the client disconnects (other messages are ignored)."""
    with contextlib.suppress(Exception):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return


async def _refuse(websocket: WebSocket, close_code: int, code: str, message: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json(
            {"type": "error", "error": {"code": code, "message": message, "details": {}}}
        )
        await websocket.close(code=close_code)


routes = [WebSocketRoute("/api/projects/{project_id:id}/events", project_events)]
