"""Insights from the client's own entries."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import insights
from wellness.validation import Strict, parse_query


class InsightsQuery(Strict):
    days: Literal["7", "30", "90"] = "30"


class Correlation(BaseModel):
    id: str
    r: float
    pairs: int
    text: str


class InsightsOut(BaseModel):
    days: int
    from_: str = Field(alias="from")
    to: str
    checkin_days: int
    averages: dict[str, float | None]
    series: list[dict[str, Any]]
    practice_minutes_per_week: list[dict[str, Any]]
    consistency: dict[str, Any]
    correlations: list[Correlation]
    streak: int | None = None


@operation("Averages, daily series, practice per week, streak, consistency and patterns",
           query=InsightsQuery, response=InsightsOut, tag="insights")
async def get_insights(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    query = parse_query(request, InsightsQuery)
    return JSONResponse(await insights.insights(user, int(query.days)))


routes = [
    Route("/insights", get_insights, methods=["GET"]),
]
