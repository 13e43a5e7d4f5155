from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import SignedIn
from wellness.content.catalog import ContentError, load_catalog
from wellness.services.content import tip_for_day


async def test_every_meditation_and_tip_is_served(client: httpx.AsyncClient) -> None:
    catalog = load_catalog()
    listed = (await client.get("/api/v1/content/meditations")).json()["items"]
    assert {m["slug"] for m in listed} == {m.slug for m in catalog.meditations}
    assert "steps" not in listed[0]
    for m in catalog.meditations:
        detail = (await client.get(f"/api/v1/content/meditations/{m.slug}")).json()
        assert sum(s["seconds"] for s in detail["steps"]) == detail["duration_seconds"]
    tips = (await client.get("/api/v1/content/tips")).json()["items"]
    assert len(tips) == len(catalog.tips) >= 40
    one = (await client.get(f"/api/v1/content/tips/{tips[0]['slug']}")).json()
    assert one["source"]["url"].startswith("https://")


async def test_filters_by_tag_kind_and_length(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/content/meditations", params={"max_seconds": 180})
    assert r.status_code == 200
    short = r.json()["items"]
    assert short and all(m["duration_seconds"] <= 180 for m in short)
    timers = (await client.get("/api/v1/content/meditations", params={"kind": "timer"})).json()
    assert timers["items"] and all(m["kind"] == "timer" for m in timers["items"])
    sleep = (await client.get("/api/v1/content/meditations", params={"tag": "sleep"})).json()
    assert sleep["items"] and all("sleep" in m["tags"] for m in sleep["items"])
    r = await client.get("/api/v1/content/meditations", params={"max_seconds": "soon"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "query.max_seconds"
    assert (await client.get("/api/v1/content/meditations/no-such")).status_code == 404


async def test_bundle_answers_304_to_its_own_etag(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/content/bundle")
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    body = r.json()
    assert body["version"] in etag
    assert body["crisis"]["contacts"] and body["instruments"]["phq9"]["items"]
    again = await client.get("/api/v1/content/bundle", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    stale = await client.get("/api/v1/content/bundle", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200


async def test_crisis_resources_are_public(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/crisis-resources")
    assert r.status_code == 200
    text = json.dumps(r.json())
    assert "988" in text and "1-800-662-4357" in text
    assert "not an emergency service" in r.json()["disclaimer"].lower()


async def test_deployer_can_replace_crisis_resources(make_app: object, tmp_path: Path) -> None:
    local = {
        "region": "GB",
        "disclaimer": "This app is not an emergency service. In danger, call 999.",
        "contacts": [{"id": "samaritans", "name": "Samaritans", "description": "Any time.",
                      "actions": [{"kind": "call", "label": "Call 116 123",
                                   "value": "tel:116123"}]}],
    }
    path = tmp_path / "crisis.json"
    path.write_text(json.dumps(local))
    app = make_app(crisis_resources_file=path)  # type: ignore[operator]
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as c:
        body = (await c.get("/api/v1/crisis-resources")).json()
    assert body["region"] == "GB" and body["contacts"][0]["name"] == "Samaritans"


async def test_server_refuses_to_start_on_invalid_content(make_app: object,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "crisis.json"
    path.write_text(json.dumps({"region": "GB", "contacts": []}))
    app = make_app(crisis_resources_file=path)  # type: ignore[operator]
    with pytest.raises(ContentError) as info:
        async with LifespanManager(app):
            pass
    assert "crisis.json" in str(info.value)


async def test_tip_of_the_day_follows_the_users_zone(signed_in: SignedIn) -> None:
    kiri = await signed_in("client", timezone="Pacific/Kiritimati")
    r = await kiri.get("/api/v1/content/tips/today")
    assert r.status_code == 200
    body = r.json()
    catalog = load_catalog()
    expected = tip_for_day(catalog, kiri.user["id"], date.fromisoformat(body["local_date"]))
    assert body["tip"]["slug"] == expected.slug


def test_tips_do_not_repeat_until_all_are_shown() -> None:
    catalog = load_catalog()
    n = len(catalog.tips)
    start = date(2026, 1, 1) - timedelta(days=date(2026, 1, 1).toordinal() % n)
    seen = [tip_for_day(catalog, "user-a", start + timedelta(days=i)).slug for i in range(n)]
    assert len(set(seen)) == n
    other = [tip_for_day(catalog, "user-b", start + timedelta(days=i)).slug for i in range(n)]
    assert other != seen
