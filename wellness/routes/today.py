"""The home screen in one request."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.safety import catalog_of
from wellness.security import current_user
from wellness.services.today import today_view


class TodayOut(BaseModel):
    date: str
    checkin: dict[str, Any]
    yesterday_done: bool
    tip: dict[str, Any] | None
    consistency: dict[str, Any]
    screeners_due: list[str]
    routines: list[dict[str, Any]]
    streak: int | None = None


@operation("Today's check-in status, tip of the day, due items and streak", response=TodayOut,
           tag="today")
async def get_today(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    return JSONResponse(await today_view(request.app.state.settings, catalog_of(request), user))


routes = [
    Route("/today", get_today, methods=["GET"]),
]
