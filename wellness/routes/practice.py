"""The practice log."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.safety import catalog_of
from wellness.security import current_user
from wellness.services import practice
from wellness.services.practice import PracticeInput
from wellness.validation import Strict, parse_body, parse_query


class PracticeOut(BaseModel):
    id: str
    meditation_slug: str | None
    started_at: str
    planned_seconds: int | None
    actual_seconds: int
    completed: bool
    source: str


class PracticeSaved(PracticeOut):
    status: str


class PracticePage(Strict):
    limit: int = Field(default=100, ge=1, le=500)
    before: AwareDatetime | None = None


class PracticeList(BaseModel):
    sessions: list[PracticeOut]


@operation("Log a practice session (finished, stopped early, or entered by hand)",
           body=PracticeInput, response=PracticeSaved, status=201, tag="practice")
async def create_session(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    data = await parse_body(request, PracticeInput)
    slugs = frozenset(m.slug for m in catalog_of(request).meditations)
    logged = await practice.log_session(user, data, known_slugs=slugs)
    body = {**practice.session_view(logged.session), "status": logged.status}
    return JSONResponse(body, 201 if logged.status == "applied" else 200)


@operation("Practice sessions, newest first", query=PracticePage, response=PracticeList,
           tag="practice")
async def list_sessions(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    page = parse_query(request, PracticePage)
    before: datetime | None = page.before
    found = await practice.list_sessions(user, page.limit, before)
    return JSONResponse({"sessions": [practice.session_view(s) for s in found]})


routes = [
    Route("/practice-sessions", create_session, methods=["POST"]),
    Route("/practice-sessions", list_sessions, methods=["GET"]),
]
