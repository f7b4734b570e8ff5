"""Accounts: register, log in, refresh, log out, who am I."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from application.accounts import LoginResult
from entrypoints.http.context import (
    REFRESH_COOKIE,
    Services,
    current_user,
    json_body,
    services,
    string_field,
)
from entrypoints.http.views import user_view

COOKIE_PATH = "/api/auth"


async def register(request: Request) -> Response:
    body = await json_body(request)
    email, password = string_field(body, "email"), string_field(body, "password")
    assert email is not None and password is not None
    user = await run_in_threadpool(services(request).accounts.register, email, password)
    return JSONResponse({"user": user_view(user)}, status_code=201)


async def login(request: Request) -> Response:
    body = await json_body(request)
    email, password = string_field(body, "email"), string_field(body, "password")
    assert email is not None and password is not None
    result = await run_in_threadpool(services(request).accounts.login, email, password)
    return _logged_in(services(request), result)


async def refresh(request: Request) -> Response:
    token = request.cookies.get(REFRESH_COOKIE, "")
    result = await run_in_threadpool(services(request).accounts.refresh, token)
    return _logged_in(services(request), result)


async def logout(request: Request) -> Response:
    token = request.cookies.get(REFRESH_COOKIE, "")
    await run_in_threadpool(services(request).accounts.logout, token)
    return _cookie_cleared(Response(status_code=204))


async def me(request: Request) -> Response:
    user_id = await current_user(request)
    user = await run_in_threadpool(services(request).accounts.me, user_id)
    return JSONResponse({"user": user_view(user)})


async def logout_everywhere(request: Request) -> Response:
    user_id = await current_user(request)
    await run_in_threadpool(services(request).accounts.logout_everywhere, user_id)
    return _cookie_cleared(Response(status_code=204))


async def delete_me(request: Request) -> Response:
    user_id = await current_user(request)
    body = await json_body(request)
    password = string_field(body, "password")
    assert password is not None
    await run_in_threadpool(services(request).accounts.delete_account, user_id, password)
    return _cookie_cleared(Response(status_code=204))


def _cookie_cleared(response: Response) -> Response:
    response.delete_cookie(
        REFRESH_COOKIE, path=COOKIE_PATH, secure=True, httponly=True, samesite="strict"
    )
    return response


def _logged_in(svc: Services, result: LoginResult) -> Response:
    response = JSONResponse(
        {
            "access_token": result.access_token,
            "token_type": "bearer",
            "expires_in": result.expires_in,
            "user": user_view(result.user),
        }
    )
    # The refresh token never reaches scripts: HTTP-only, and only sent to the auth routes.
    response.set_cookie(
        REFRESH_COOKIE,
        result.refresh_token,
        max_age=svc.http.session_ttl_seconds,
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )
    return response


AUTH_PATHS = ("/api/auth/register", "/api/auth/login", "/api/auth/refresh")

routes = [
    Route("/api/auth/register", register, methods=["POST"]),
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/refresh", refresh, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/logout-everywhere", logout_everywhere, methods=["POST"]),
    Route("/api/auth/me", me, methods=["GET"]),
    Route("/api/auth/me", delete_me, methods=["DELETE"]),
]
