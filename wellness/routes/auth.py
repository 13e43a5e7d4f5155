"""Sign up, sign in, sign out."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.openapi import operation
from wellness.routes.schemas import Profile
from wellness.security import clear_session_cookie, session_token, set_session_cookie
from wellness.services import accounts, sessions
from wellness.validation import Strict, parse_body


class RegisterIn(Strict):
    username: str = Field(min_length=3, max_length=32)
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(min_length=1, max_length=80)
    timezone: str = Field(default="UTC", max_length=64)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp_code: str | None = Field(default=None, pattern=r"^\d{6}$")


def _signed_in(request: Request, result: accounts.SignIn, status: int) -> Response:
    response = JSONResponse(accounts.profile(result.user), status)
    set_session_cookie(response, request.app.state.settings, result.token, result.max_age)
    return response


@operation("Create a client account and sign in", body=RegisterIn, response=Profile,
           status=201, auth=False, tag="auth")
async def register(request: Request) -> Response:
    data = await parse_body(request, RegisterIn)
    result = await accounts.register_client(request.app.state.settings, **data.model_dump())
    return _signed_in(request, result, 201)


@operation("Sign in", body=LoginIn, response=Profile, auth=False, tag="auth")
async def login(request: Request) -> Response:
    data = await parse_body(request, LoginIn)
    address = request.client.host if request.client else "unknown"
    result = await accounts.sign_in(
        request.app.state.settings, data.username, data.password, address, data.totp_code
    )
    return _signed_in(request, result, 200)


@operation("Sign out and end this session on the server", status=204, auth=False, tag="auth")
async def logout(request: Request) -> Response:
    token = session_token(request)
    if token:
        await sessions.end_session(request.app.state.settings, token)
    response = Response(status_code=204)
    clear_session_cookie(response, request.app.state.settings)
    return response


routes = [
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
]
