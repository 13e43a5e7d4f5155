"""Web Push: the server's public key, and the browsers that receive nudges."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import subscriptions
from wellness.validation import Strict, parse_body


class PublicKey(BaseModel):
    public_key: str = Field(description="applicationServerKey for pushManager.subscribe.")


class Keys(Strict):
    p256dh: str = Field(min_length=1, max_length=100)
    auth: str = Field(min_length=1, max_length=40)


class SubscriptionIn(Strict):
    """The shape of ``PushSubscription.toJSON()``."""

    endpoint: str = Field(min_length=1, max_length=1000)
    expirationTime: int | float | None = None  # the browser's name for it
    keys: Keys


class SubscriptionOut(BaseModel):
    id: int
    created_at: str
    last_success_at: str | None


class Unsubscribe(Strict):
    endpoint: str = Field(min_length=1, max_length=1000)


@operation("The server's Web Push (VAPID) public key", response=PublicKey, tag="push")
async def public_key(request: Request) -> Response:
    await current_user(request)
    key = subscriptions.public_key(request.app.state.settings.vapid_private_key)
    return JSONResponse({"public_key": key}, headers={"Cache-Control": "private, max-age=3600"})


@operation("Add this browser's push subscription", body=SubscriptionIn,
           response=SubscriptionOut, status=201, tag="push")
async def subscribe(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, SubscriptionIn)
    sub = await subscriptions.subscribe(
        user, data.endpoint, data.keys.p256dh, data.keys.auth,
        allow_private=request.app.state.settings.push_allow_private,
    )
    return JSONResponse(subscriptions.view(sub), status_code=201)


@operation("Remove a push subscription (e.g. before signing out)", body=Unsubscribe,
           status=204, tag="push")
async def unsubscribe(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, Unsubscribe)
    await subscriptions.unsubscribe(user, data.endpoint)
    return Response(status_code=204)


routes = [
    Route("/push/public-key", public_key, methods=["GET"]),
    Route("/push/subscriptions", subscribe, methods=["POST"]),
    Route("/push/subscriptions", unsubscribe, methods=["DELETE"], name="unsubscribe"),
]
