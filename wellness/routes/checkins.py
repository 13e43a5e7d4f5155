"""Daily check-ins, one per local date."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.safety import with_crisis
from wellness.security import current_user
from wellness.services import checkins
from wellness.services.checkins import CheckInPut
from wellness.validation import Strict, parse_body, parse_query


class CheckInOut(BaseModel):
    local_date: str
    mood: int | None
    craving: int | None
    sleep_hours: float | None
    sleep_quality: int | None
    stress: int | None
    energy: int | None
    triggers: list[str]
    medication_taken: str | None
    used_today: bool | None
    note: str | None
    gratitude: str | None
    client_updated_at: str
    updated_at: str


class CheckInSaved(BaseModel):
    status: str
    checkin: CheckInOut
    crisis: dict[str, Any] | None = None


class CheckInRange(Strict):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


class CheckInList(BaseModel):
    checkins: list[CheckInOut]


@operation("Record or replace the check-in for a local date (newest edit wins)",
           body=CheckInPut, response=CheckInSaved, tag="checkins")
async def put_checkin(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    settings = request.app.state.settings
    day = checkins.check_local_date(user, request.path_params["local_date"])
    data = await parse_body(request, CheckInPut)
    when = (checkins.check_client_time(data.client_updated_at, "client_updated_at")
            if data.client_updated_at else checkins.now())
    recorded = await checkins.record_checkin(settings, user, day, data, when)
    body = {"status": recorded.status, "checkin": checkins.checkin_view(settings, recorded.checkin)}
    return JSONResponse(with_crisis(request, body, recorded.safety))


@operation("Check-ins between two local dates", query=CheckInRange, response=CheckInList,
           tag="checkins")
async def list_checkins(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    rng = parse_query(request, CheckInRange)
    found = await checkins.list_checkins(user, rng.from_, rng.to)
    settings = request.app.state.settings
    return JSONResponse({"checkins": [checkins.checkin_view(settings, c) for c in found]})


routes = [
    Route("/checkins/{local_date}", put_checkin, methods=["PUT"]),
    Route("/checkins", list_checkins, methods=["GET"]),
]
