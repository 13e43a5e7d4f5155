from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.conftest import SignedIn
from tests.fakes.push_service import FakePushService
from wellness.crypto import vapid_public_key
from wellness.models.nudges import PushSubscription
from wellness.push import EndpointRefused, check_endpoint


@pytest.fixture
def fake() -> Iterator[FakePushService]:
    with FakePushService() as service:
        yield service


async def test_public_key_is_the_vapid_key(app: Starlette, signed_in: SignedIn) -> None:
    c = await signed_in()
    r = await c.get("/api/v1/push/public-key")
    assert r.status_code == 200
    assert r.json() == {"public_key": vapid_public_key(app.state.settings.vapid_private_key)}


async def test_public_key_needs_a_session(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/push/public-key")).status_code == 401


async def test_subscribe_and_unsubscribe(signed_in: SignedIn, fake: FakePushService) -> None:
    c = await signed_in()
    sub = fake.subscription()
    r = await c.post("/api/v1/push/subscriptions", json=sub.as_json())
    assert r.status_code == 201, r.text
    assert r.json()["last_success_at"] is None
    again = await c.post("/api/v1/push/subscriptions", json=sub.as_json())
    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]
    assert await PushSubscription.filter(endpoint=sub.endpoint).count() == 1
    r = await c.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": sub.endpoint})
    assert r.status_code == 204
    assert not await PushSubscription.filter(endpoint=sub.endpoint).exists()


async def test_a_shared_phone_moves_the_subscription_to_who_signed_in_last(
        signed_in: SignedIn, fake: FakePushService) -> None:
    first, second = await signed_in(), await signed_in()
    sub = fake.subscription()
    assert (await first.post("/api/v1/push/subscriptions", json=sub.as_json())).status_code == 201
    assert (await second.post("/api/v1/push/subscriptions",
                              json=sub.as_json())).status_code == 201
    row = await PushSubscription.get(endpoint=sub.endpoint)
    assert str(row.user_id) == second.user["id"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("keys", "field"), [
    ({"p256dh": "not base64!", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}, "keys.p256dh"),
    ({"p256dh": "BAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}, "keys.p256dh"),
    ({"p256dh": "B" + "A" * 86, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}, "keys.p256dh"),
    (None, "keys.auth"),
])
async def test_bad_keys_are_422_naming_the_field(
        signed_in: SignedIn, fake: FakePushService, keys: dict[str, str] | None,
        field: str) -> None:
    c = await signed_in()
    body = fake.subscription().as_json()
    if keys is None:
        body["keys"]["auth"] = "AAAA"
    else:
        body["keys"] = keys
    r = await c.post("/api/v1/push/subscriptions", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == [field]


async def test_unknown_fields_and_missing_keys_are_422(signed_in: SignedIn) -> None:
    c = await signed_in()
    r = await c.post("/api/v1/push/subscriptions", json={"endpoint": "https://push.example/x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "keys"


@pytest.mark.parametrize("endpoint", [
    "http://push.example.org/send/abc",  # not https
    "https://127.0.0.1/send/abc",
    "https://localhost:8443/send/abc",
    "https://10.1.2.3/send/abc",
    "https://192.168.0.10/send/abc",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/send/abc",
    "https://[::ffff:10.0.0.1]/send/abc",
    "https://0.0.0.0/send/abc",
    "https://user:pw@8.8.8.8/send/abc",
    "ftp://8.8.8.8/send/abc",
    "not a url",
])
async def test_endpoints_inside_the_network_are_refused_in_production(endpoint: str) -> None:
    with pytest.raises(EndpointRefused):
        await check_endpoint(endpoint, allow_private=False)


async def test_a_public_https_endpoint_is_accepted() -> None:
    await check_endpoint("https://8.8.8.8/wpush/v2/abc", allow_private=False)


async def test_the_route_refuses_a_private_endpoint_in_production(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c = await signed_in()
    app.state.settings = app.state.settings.with_overrides(push_allow_private=False)
    r = await c.post("/api/v1/push/subscriptions", json=fake.subscription().as_json())
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "endpoint"
    assert await PushSubscription.all().count() == 0
