"""The help-now button: crisis resources in the answer, and a safety event for counselors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.content.catalog import Catalog
from wellness.models.accounts import Role
from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import safety


class HelpNowOut(BaseModel):
    recorded: bool
    crisis: dict[str, Any]


def catalog_of(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


def with_crisis(request: Request, body: dict[str, Any], triggered: bool) -> dict[str, Any]:
    """Put the crisis resources in the same response, so they show even if signal is lost."""
    if triggered:
        body["crisis"] = safety.crisis_payload(catalog_of(request))
    return body


@operation("I need help now: crisis resources, and an alert to linked counselors",
           response=HelpNowOut, tag="safety")
async def help_now(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    await safety.help_now(request.app.state.settings, user)
    return JSONResponse(with_crisis(request, {"recorded": True}, True))


routes = [
    Route("/help-now", help_now, methods=["POST"]),
]
