"""The signed-in user's own account."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.openapi import operation
from wellness.routes.schemas import Profile
from wellness.security import current_user, session_token
from wellness.services import accounts
from wellness.validation import Strict, parse_body


class ProfilePatch(Strict):
    display_name: str | None = Field(default=None, min_length=1, max_length=80)
    email: str | None = Field(default=None, max_length=254, pattern=r"^([^@\s]+@[^@\s]+)?$")
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, pattern=r"^(en|es)$")
    hide_streaks: bool | None = None
    discreet_notifications: bool | None = None
    quiet_start: str | None = Field(default=None, max_length=5)
    quiet_end: str | None = Field(default=None, max_length=5)


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class TotpStart(BaseModel):
    secret: str
    otpauth_uri: str


class TotpCode(Strict):
    code: str = Field(pattern=r"^\d{6}$")


class PasswordOnly(Strict):
    password: str = Field(min_length=1, max_length=1024)


@operation("Who is signed in", response=Profile, tag="me")
async def get_me(request: Request) -> Response:
    user = await current_user(request)
    return JSONResponse(accounts.profile(user))


@operation("Change profile and preferences", body=ProfilePatch, response=Profile, tag="me")
async def patch_me(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, ProfilePatch)
    changes = data.model_dump(exclude_unset=True)
    nullable = {"email"}
    changes = {k: v for k, v in changes.items() if v is not None or k in nullable}
    if changes.get("email") == "":
        changes["email"] = None
    user = await accounts.update_profile(user, changes)
    return JSONResponse(accounts.profile(user))


@operation("Change password; other sessions end", body=PasswordChange, status=204, tag="me")
async def change_password(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, PasswordChange)
    await accounts.change_password(
        request.app.state.settings, user, data.current_password, data.new_password,
        session_token(request),
    )
    return Response(status_code=204)


@operation("Start second-factor set-up", response=TotpStart, tag="me")
async def totp_begin(request: Request) -> Response:
    user = await current_user(request)
    return JSONResponse(await accounts.begin_totp(request.app.state.settings, user))


@operation("Confirm second-factor set-up with a code", body=TotpCode, status=204, tag="me")
async def totp_confirm(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, TotpCode)
    await accounts.confirm_totp(request.app.state.settings, user, data.code)
    return Response(status_code=204)


@operation("Turn the second factor off", body=PasswordOnly, status=204, tag="me")
async def totp_disable(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, PasswordOnly)
    await accounts.disable_totp(request.app.state.settings, user, data.password)
    return Response(status_code=204)


routes = [
    Route("/me", get_me, methods=["GET"]),
    Route("/me", patch_me, methods=["PATCH"], name="patch_me"),
    Route("/me/password", change_password, methods=["POST"]),
    Route("/me/totp", totp_begin, methods=["POST"]),
    Route("/me/totp/confirm", totp_confirm, methods=["POST"]),
    Route("/me/totp/disable", totp_disable, methods=["POST"]),
]
