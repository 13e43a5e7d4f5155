"""The counselor's views of linked clients: caseload, summary, check-ins, printable report."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from wellness.content.catalog import Catalog
from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.links import path_uuid
from wellness.security import current_user
from wellness.services import caseload
from wellness.services.report import REPORT_CSS, render_report
from wellness.validation import Strict, parse_query

STYLESHEET = "/api/v1/report.css"


class Span(Strict):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


class Open(BaseModel):
    """Sections outside the link's scopes are absent, not empty."""

    model_config = ConfigDict(extra="allow")


class ClientRef(BaseModel):
    id: str
    display_name: str


class CaseloadRow(Open):
    client: ClientRef
    link_id: str
    scopes: list[str]
    last_checkin: str | None = None
    mood_7d: list[int | None] | None = None
    craving_7d: list[int | None] | None = None
    mood_avg_7d: float | None = None
    craving_avg_7d: float | None = None
    consistency_30d: float | None = None
    practice_sessions_7d: int | None = None
    practice_minutes_7d: int | None = None
    adherence_7d: float | None = None
    open_alerts: int | None = None


class Caseload(BaseModel):
    clients: list[CaseloadRow]


class Summary(Open):
    client: dict[str, str]
    scopes: list[str]
    from_: str = Field(alias="from")
    to: str
    checkin_summary: dict[str, Any] | None = None
    checkins: list[dict[str, Any]] | None = None
    practice: dict[str, Any] | None = None
    screeners: list[dict[str, Any]] | None = None
    routines: list[dict[str, Any]] | None = None
    alerts: list[dict[str, Any]] | None = None


class CheckinSeries(Open):
    client: ClientRef
    scopes: list[str]
    from_: str = Field(alias="from")
    to: str
    checkins: list[dict[str, Any]]


def _catalog(request: Request) -> Catalog | None:
    catalog: Catalog | None = getattr(request.app.state, "catalog", None)
    return catalog


@operation("One row per linked client, each field only if shared", response=Caseload,
           tag="counselors")
async def get_caseload(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    return JSONResponse({"clients": await caseload.caseload(user, _catalog(request))})


@operation("A client's series for the dashboard, within the shared scopes", query=Span,
           response=Summary, tag="counselors")
async def get_summary(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    client_id = path_uuid(request, what="client")
    span = parse_query(request, Span)
    return JSONResponse(await caseload.client_summary(
        request.app.state.settings, user, client_id, span.from_, span.to, _catalog(request)))


@operation("A client's check-ins, fields limited to the shared scopes", query=Span,
           response=CheckinSeries, tag="counselors")
async def get_checkins(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    client_id = path_uuid(request, what="client")
    span = parse_query(request, Span)
    return JSONResponse(await caseload.client_checkins(
        request.app.state.settings, user, client_id, span.from_, span.to))


@operation("A printable report for the case file (HTML), with scope and dates", query=Span,
           media_type="text/html", tag="counselors")
async def get_report(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    client_id = path_uuid(request, what="client")
    span = parse_query(request, Span)
    summary = await caseload.client_summary(
        request.app.state.settings, user, client_id, span.from_, span.to, _catalog(request),
        resource="report")
    return HTMLResponse(render_report(summary, user.display_name, STYLESHEET))


@operation("The report's stylesheet (screen and print)", media_type="text/css", auth=False,
           tag="counselors")
async def report_css(request: Request) -> Response:
    return Response(REPORT_CSS, media_type="text/css")


routes = [
    Route("/caseload", get_caseload, methods=["GET"]),
    Route("/clients/{id}/summary", get_summary, methods=["GET"]),
    Route("/clients/{id}/checkins", get_checkins, methods=["GET"], name="client_checkins"),
    Route("/clients/{id}/report", get_report, methods=["GET"]),
    Route("/report.css", report_css, methods=["GET"]),
]
