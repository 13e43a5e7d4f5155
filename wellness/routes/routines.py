"""Routines: a counselor's template library, copies for clients, a client's own routines."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.content.catalog import Catalog
from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.links import path_uuid
from wellness.security import current_user
from wellness.services import routines
from wellness.services.routines import RoutineInput
from wellness.validation import Strict, parse_body


class Assign(Strict):
    template_id: uuid.UUID
    start_date: date | None = None


class MarkDone(Strict):
    local_date: date | None = None


class RoutineOut(BaseModel):
    id: str
    name: str
    is_template: bool
    owner_id: str | None
    client_id: str | None
    source_template_id: str | None
    created_at: str
    items: list[dict[str, Any]]


class RoutineList(BaseModel):
    routines: list[RoutineOut]


class MyRoutine(RoutineOut):
    adherence_7d: float | None
    adherence_30d: float | None


class MyRoutineList(BaseModel):
    routines: list[MyRoutine]


def _catalog(request: Request) -> Catalog | None:
    catalog: Catalog | None = getattr(request.app.state, "catalog", None)
    return catalog


@operation("Routines I made: a counselor's templates or a client's own", response=RoutineList,
           tag="routines")
async def list_routines(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT, Role.COUNSELOR)
    return JSONResponse({"routines": [routines.routine_view(r)
                                      for r in await routines.owned_routines(user)]})


@operation("Make a routine: a template (counselor) or one to follow (client)",
           body=RoutineInput, response=RoutineOut, status=201, tag="routines")
async def create_routine(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT, Role.COUNSELOR)
    data = await parse_body(request, RoutineInput)
    routine = await routines.create_routine(user, data, _catalog(request))
    return JSONResponse(routines.routine_view(routine), 201)


@operation("Give a linked client a copy of one of my templates", body=Assign,
           response=RoutineOut, status=201, tag="routines")
async def assign(request: Request) -> Response:
    user = await current_user(request, Role.COUNSELOR)
    client_id = path_uuid(request, what="client")
    data = await parse_body(request, Assign)
    routine = await routines.assign_template(user, client_id, data.template_id, data.start_date)
    return JSONResponse(routines.routine_view(routine), 201)


@operation("The routines I follow, with today's state and adherence over 7 and 30 days",
           response=MyRoutineList, tag="routines")
async def my_routines(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    return JSONResponse({"routines": await routines.my_routines(user, _catalog(request))})


@operation("Mark a tip read or a custom activity done (other items tick themselves)",
           body=MarkDone, status=204, tag="routines")
async def mark_done(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    item_id = path_uuid(request, what="routine item")
    data = await parse_body(request, MarkDone)
    await routines.mark_done(user, item_id, data.local_date)
    return Response(status_code=204)


routes = [
    Route("/routines", list_routines, methods=["GET"]),
    Route("/routines", create_routine, methods=["POST"], name="create_routine"),
    Route("/clients/{id}/routines", assign, methods=["POST"], name="assign_routine"),
    Route("/me/routines", my_routines, methods=["GET"]),
    Route("/me/routine-items/{id}/done", mark_done, methods=["POST"], name="mark_routine_item"),
]
