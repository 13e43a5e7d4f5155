"""Invites and consented links between clients and counselors."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.errors import NotFound
from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import links
from wellness.validation import Strict, parse_body

ScopeName = Literal["checkin_summary", "checkin_details", "notes", "practice", "screeners",
                    "safety_alerts"]


def path_uuid(request: Request, name: str = "id", what: str = "link") -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params[name])
    except ValueError:
        raise NotFound(f"There is no such {what}.") from None


class InviteOut(BaseModel):
    code: str
    expires_at: str


class Redeem(Strict):
    code: str = Field(min_length=4, max_length=20)
    scopes: list[ScopeName] | None = Field(default=None, max_length=6)


class ScopesPatch(Strict):
    scopes: list[ScopeName] = Field(max_length=6)


class Party(BaseModel):
    id: str
    display_name: str
    role: str


class LinkOut(BaseModel):
    id: str
    counselor_id: str
    client_id: str
    with_: Party = Field(alias="with")
    scopes: list[str]
    created_at: str


class LinkList(BaseModel):
    links: list[LinkOut]


@operation("Create an invite code to read to a client (single use, 72 hours)",
           response=InviteOut, status=201, tag="counselors")
async def create_invite(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    invite = await links.create_invite(request.app.state.settings, user)
    return JSONResponse({"code": invite.code, "expires_at": invite.expires_at.isoformat()}, 201)


@operation("Redeem a counselor's code, choosing what to share", body=Redeem, response=LinkOut,
           status=201, tag="counselors")
async def redeem(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    data = await parse_body(request, Redeem)
    link = await links.redeem_invite(request.app.state.settings, user, data.code, data.scopes)
    return JSONResponse(links.link_view(link, user), 201)


@operation("My links: a client's counselors or a counselor's clients", response=LinkList,
           tag="counselors")
async def list_links(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT, Role.COUNSELOR)
    return JSONResponse({"links": [links.link_view(link, user)
                                   for link in await links.list_links(user)]})


@operation("Change what a counselor may see (client only); applies to the next request",
           body=ScopesPatch, response=LinkOut, tag="counselors")
async def patch_link(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    link_id = path_uuid(request)
    data = await parse_body(request, ScopesPatch)
    link = await links.change_scopes(user, link_id, data.scopes)
    return JSONResponse(links.link_view(link, user))


@operation("End a link (either side); nothing more is shared", status=204, tag="counselors")
async def end_link(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT, Role.COUNSELOR)
    await links.end_link(user, path_uuid(request))
    return Response(status_code=204)


routes = [
    Route("/invites", create_invite, methods=["POST"]),
    Route("/links", redeem, methods=["POST"]),
    Route("/links", list_links, methods=["GET"], name="list_links"),
    Route("/links/{id}", patch_link, methods=["PATCH"]),
    Route("/links/{id}", end_link, methods=["DELETE"], name="end_link"),
]
