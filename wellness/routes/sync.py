"""Offline sync: a batch of operations in, changes since a cursor out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.routes.safety import catalog_of, with_crisis
from wellness.security import current_user
from wellness.services import sync
from wellness.validation import Strict, parse_body, parse_query


class SyncBatch(Strict):
    ops: list[Any] = Field(max_length=sync.MAX_OPS)


class SyncAnswer(BaseModel):
    results: list[dict[str, Any]]
    crisis: dict[str, Any] | None = None


class SyncSince(Strict):
    since: int = Field(default=0, ge=0)


class Change(BaseModel):
    entity: str
    id: str
    op: str
    data: dict[str, Any] | None


class SyncFeed(BaseModel):
    changes: list[Change]
    cursor: int
    more: bool


@operation("Apply a batch of offline operations, each at most once", body=SyncBatch,
           response=SyncAnswer, tag="sync")
async def push(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    data = await parse_body(request, SyncBatch)
    batch = await sync.apply_batch(request.app.state.settings, catalog_of(request), user, data.ops)
    return JSONResponse(with_crisis(request, {"results": batch.results}, batch.safety))


@operation("Changes after a cursor, for a second device", query=SyncSince, response=SyncFeed,
           tag="sync")
async def pull(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    query = parse_query(request, SyncSince)
    return JSONResponse(await sync.changes_since(request.app.state.settings, user, query.since))


routes = [
    Route("/sync", push, methods=["POST"]),
    Route("/sync", pull, methods=["GET"]),
]
