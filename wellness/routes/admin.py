"""Administration: staff accounts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.schemas import Profile
from wellness.security import current_user
from wellness.services import accounts
from wellness.validation import Strict, parse_body


class NewUser(Strict):
    username: str = Field(min_length=3, max_length=32)
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(min_length=1, max_length=80)
    role: Literal["counselor", "admin"] = "counselor"
    timezone: str = Field(default="UTC", max_length=64)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


@operation("Create a counselor or admin account", body=NewUser, response=Profile, status=201,
           tag="admin")
async def create_user(request: Request) -> Response:
    await current_user(request, Role.ADMIN)
    data = await parse_body(request, NewUser)
    fields = data.model_dump()
    user = await accounts.create_user(role=Role(fields.pop("role")), **fields)
    return JSONResponse(accounts.profile(user), 201)


routes = [Route("/admin/users", create_user, methods=["POST"])]
