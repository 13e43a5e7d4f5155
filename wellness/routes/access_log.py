"""A user's access history: every counselor read of their data."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import audit
from wellness.validation import Strict, parse_query


class AccessQuery(Strict):
    before_id: int | None = Field(default=None, ge=1)
    limit: int = Field(default=50, ge=1, le=200)


class AccessRow(BaseModel):
    id: int
    actor_id: str
    actor_name: str
    actor_role: str
    resource: str
    scopes: list[str]
    action: str
    outcome: str
    at: str


class AccessLog(BaseModel):
    entries: list[AccessRow]


@operation("Who looked at my data, what, when, and whether it was allowed", query=AccessQuery,
           response=AccessLog, tag="me")
async def access_log(request: Request) -> Response:
    user = await current_user(request)
    q = parse_query(request, AccessQuery)
    return JSONResponse({"entries": await audit.access_log(user, q.before_id, q.limit)})


routes = [Route("/me/access-log", access_log, methods=["GET"])]
