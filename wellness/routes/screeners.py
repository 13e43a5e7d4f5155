"""Screeners, scored on the server."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.safety import catalog_of, with_crisis
from wellness.security import current_user
from wellness.services import screeners
from wellness.services.screeners import ScreenerAnswers
from wellness.validation import Strict, parse_body, parse_query


class ScreenerOut(BaseModel):
    id: str
    instrument: str
    answers: list[int]
    total: int
    band: str
    flags: list[str]
    taken_at: str


class ScreenerSaved(ScreenerOut):
    status: str
    suggest_full: str | None
    crisis: dict[str, Any] | None = None


class ScreenerFilter(Strict):
    instrument: Literal["phq9", "gad7", "phq2", "gad2"] | None = None
    limit: int = Field(default=100, ge=1, le=500)


class ScreenerList(BaseModel):
    results: list[ScreenerOut]
    due: list[str]


@operation("Submit a screener's answers; scored on the server", body=ScreenerAnswers,
           response=ScreenerSaved, status=201, tag="screeners")
async def submit(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    data = await parse_body(request, ScreenerAnswers)
    done = await screeners.submit_screener(
        request.app.state.settings, catalog_of(request), user,
        request.path_params["instrument"], data,
    )
    body = {**screeners.result_view(done.result), "status": done.status,
            "suggest_full": done.suggest_full}
    return JSONResponse(with_crisis(request, body, done.safety),
                        201 if done.status == "applied" else 200)


@operation("Screener history, newest first, and which weekly screeners are due",
           query=ScreenerFilter, response=ScreenerList, tag="screeners")
async def history(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    query = parse_query(request, ScreenerFilter)
    found = await screeners.list_results(user, query.instrument, query.limit)
    return JSONResponse({"results": [screeners.result_view(r) for r in found],
                         "due": await screeners.due_screeners(user)})


routes = [
    Route("/screeners/{instrument}", submit, methods=["POST"]),
    Route("/screeners", history, methods=["GET"]),
]
