"""Alerts for counselors (and, for transparency, the client's view of alerts about them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.content.catalog import Catalog
from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.links import path_uuid
from wellness.security import current_user
from wellness.services import alerts
from wellness.validation import Strict, parse_body, parse_query

StateName = Literal["open", "acknowledged", "resolved"]


class AlertQuery(Strict):
    state: StateName | list[StateName] | None = None


class AlertNote(Strict):
    note: str | None = Field(default=None, max_length=2000)


class AlertOut(BaseModel):
    id: str
    client: dict[str, str]
    rule: str
    severity: str
    state: str
    created_at: str
    acknowledged_at: str | None
    resolved_at: str | None
    detail: dict[str, Any] | None = None
    notify_count: int | None = None
    last_notified_at: str | None = None
    note: str | None = None
    counselor: dict[str, str] | None = None


class AlertList(BaseModel):
    notice: str
    alerts: list[AlertOut]


def _catalog(request: Request) -> Catalog | None:
    catalog: Catalog | None = getattr(request.app.state, "catalog", None)
    return catalog


async def _note(request: Request) -> AlertNote:
    """The note is optional, and so is the body."""
    if request.headers.get("content-length") in (None, "0"):
        return AlertNote()
    return await parse_body(request, AlertNote)


@operation("Alerts, with the notice that they are not monitored around the clock",
           query=AlertQuery, response=AlertList, tag="alerts")
async def list_alerts(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT, Role.COUNSELOR)
    q = parse_query(request, AlertQuery)
    states = [q.state] if isinstance(q.state, str) else (q.state or [])
    found = await alerts.list_alerts(request.app.state.settings, user, states)
    return JSONResponse({"notice": alerts.notice(_catalog(request)), "alerts": found})


@operation("Acknowledge an alert, optionally with a note", body=AlertNote, response=AlertOut,
           tag="alerts")
async def acknowledge(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    alert_id = path_uuid(request, what="alert")
    data = await _note(request)
    settings = request.app.state.settings
    alert = await alerts.acknowledge(settings, user, alert_id, data.note)
    return JSONResponse(alerts.alert_view(settings, alert, for_counselor=True))


@operation("Resolve an alert, optionally with a note", body=AlertNote, response=AlertOut,
           tag="alerts")
async def resolve(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    alert_id = path_uuid(request, what="alert")
    data = await _note(request)
    settings = request.app.state.settings
    alert = await alerts.resolve(settings, user, alert_id, data.note)
    return JSONResponse(alerts.alert_view(settings, alert, for_counselor=True))


routes = [
    Route("/alerts", list_alerts, methods=["GET"]),
    Route("/alerts/{id}/acknowledge", acknowledge, methods=["POST"]),
    Route("/alerts/{id}/resolve", resolve, methods=["POST"]),
]
