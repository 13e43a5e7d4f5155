"""The content library: meditations, tips, the offline bundle and crisis resources."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.content.catalog import Catalog
from wellness.content.schema import CrisisResources, Meditation, Tip
from wellness.errors import NotFound
from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import content
from wellness.validation import Strict, parse_query


class MeditationQuery(Strict):
    tag: str | None = Field(default=None, max_length=64)
    kind: Literal["guided", "timer"] | None = None
    level: Literal["beginner", "intermediate"] | None = None
    max_seconds: int | None = Field(default=None, ge=60, le=7200)


class TipQuery(Strict):
    tag: str | None = Field(default=None, max_length=64)


class MeditationSummary(BaseModel):
    slug: str
    title: str
    summary: str
    level: str
    tags: list[str]
    kind: str
    duration_seconds: int


class MeditationList(BaseModel):
    items: list[MeditationSummary]


class TipList(BaseModel):
    items: list[Tip]


class TipToday(BaseModel):
    local_date: str
    tip: Tip


class Bundle(BaseModel):
    version: str
    meditations: list[Meditation]
    tips: list[Tip]
    instruments: dict[str, object]
    crisis: CrisisResources


def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


@operation("List meditations, filtered by tag, kind, level and length", query=MeditationQuery,
           response=MeditationList, auth=False, tag="content")
async def list_meditations(request: Request) -> Response:
    q = parse_query(request, MeditationQuery)
    found = content.find_meditations(_catalog(request), q.tag, q.kind, q.level, q.max_seconds)
    return JSONResponse({"items": [content.meditation_summary(m) for m in found]})


@operation("One meditation with its timed steps", response=Meditation, auth=False,
           tag="content")
async def get_meditation(request: Request) -> Response:
    found = _catalog(request).meditation(request.path_params["slug"])
    if found is None:
        raise NotFound("There is no meditation with that name.")
    return JSONResponse(found.model_dump(mode="json", exclude_none=True))


@operation("List nutrition tips, filtered by tag", query=TipQuery, response=TipList,
           auth=False, tag="content")
async def list_tips(request: Request) -> Response:
    q = parse_query(request, TipQuery)
    found = content.find_tips(_catalog(request), q.tag)
    return JSONResponse({"items": [t.model_dump(mode="json") for t in found]})


@operation("Today's tip for the signed-in user, in their own time zone", response=TipToday,
           tag="content")
async def tip_today(request: Request) -> Response:
    user = await current_user(request)
    local_date, tip = content.tip_today(_catalog(request), user)
    return JSONResponse({"local_date": local_date.isoformat(), "tip": tip.model_dump(mode="json")})


@operation("One nutrition tip", response=Tip, auth=False, tag="content")
async def get_tip(request: Request) -> Response:
    found = _catalog(request).tip(request.path_params["slug"])
    if found is None:
        raise NotFound("There is no tip with that name.")
    return JSONResponse(found.model_dump(mode="json"))


@operation("Everything the app needs offline; revalidate with If-None-Match", response=Bundle,
           auth=False, tag="content")
async def bundle(request: Request) -> Response:
    catalog = _catalog(request)
    etag = f'"{catalog.version}"'
    if etag in content.etags_in(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(catalog.bundle_bytes(), media_type="application/json",
                    headers={"ETag": etag})


@operation("Crisis resources (available signed out, cached offline by the app)",
           response=CrisisResources, auth=False, tag="content")
async def crisis_resources(request: Request) -> Response:
    return JSONResponse(_catalog(request).crisis.model_dump(mode="json", exclude_none=True))


routes = [
    Route("/content/meditations", list_meditations, methods=["GET"]),
    Route("/content/meditations/{slug}", get_meditation, methods=["GET"]),
    Route("/content/tips", list_tips, methods=["GET"]),
    Route("/content/tips/today", tip_today, methods=["GET"]),
    Route("/content/tips/{slug}", get_tip, methods=["GET"]),
    Route("/content/bundle", bundle, methods=["GET"]),
    Route("/crisis-resources", crisis_resources, methods=["GET"]),
]
