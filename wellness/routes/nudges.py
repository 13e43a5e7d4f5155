"""The in-app inbox: every nudge, pushed or not."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.errors import NotFound
from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import inbox
from wellness.services.nudges import utcnow
from wellness.validation import Strict, parse_query


class NudgeQuery(Strict):
    limit: int = Field(default=50, ge=1, le=200)
    before: int | None = Field(default=None, ge=1, description="Only nudges older than this id.")


class NudgeOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    label: str | None
    url: str
    status: str
    local_date: str
    due_at: str
    sent_at: str | None
    opened_at: str | None


class NudgeList(BaseModel):
    nudges: list[NudgeOut]


@operation("My nudges, newest first", query=NudgeQuery, response=NudgeList, tag="reminders")
async def list_nudges(request: Request) -> Response:
    user = await current_user(request)
    query = parse_query(request, NudgeQuery)
    items = await inbox.list_nudges(user, query.limit, query.before)
    return JSONResponse({"nudges": items})


@operation("Record that a nudge was opened", response=NudgeOut, tag="reminders")
async def opened(request: Request) -> Response:
    user = await current_user(request)
    raw = request.path_params["id"]
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No such nudge.")
    return JSONResponse(await inbox.mark_opened(user, int(raw), utcnow()))


routes = [
    Route("/nudges", list_nudges, methods=["GET"]),
    Route("/nudges/{id}/opened", opened, methods=["POST"]),
]
