from __future__ import annotations

from tests.conftest import SignedIn
from wellness.models.checkins import SafetyEvent, ScreenerResult


async def test_phq9_is_scored_on_the_server(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    r = await c.post("/api/v1/screeners/phq9", json={"answers": [2, 2, 1, 1, 1, 1, 1, 1, 0]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["total"] == 10 and body["instrument"] == "phq9"
    assert "moderate" in body["band"].lower()
    assert "crisis" not in body and body["flags"] == []
    assert await SafetyEvent.all().count() == 0


async def test_item_nine_above_zero_returns_help_and_records_an_event(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    r = await c.post("/api/v1/screeners/phq9", json={"answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]})
    assert r.status_code == 201
    assert r.json()["total"] == 1
    assert r.json()["crisis"]["contacts"]
    events = await SafetyEvent.all()
    assert [(e.kind.value, e.source_id) for e in events] == [("self_harm_item", r.json()["id"])]


async def test_two_item_forms_suggest_the_full_one(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    r = await c.post("/api/v1/screeners/phq2", json={"answers": [2, 1]})
    assert r.status_code == 201 and r.json()["suggest_full"] == "phq9"
    low = await c.post("/api/v1/screeners/gad2", json={"answers": [1, 0]})
    assert low.json()["suggest_full"] is None


async def test_bad_answers_and_instruments_are_refused(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    short = await c.post("/api/v1/screeners/gad7", json={"answers": [1, 2]})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "answers"
    big = await c.post("/api/v1/screeners/gad7", json={"answers": [1, 2, 3, 4, 0, 0, 0]})
    assert big.status_code == 422 and big.json()["errors"][0]["field"] == "answers"
    other = await c.post("/api/v1/screeners/audit", json={"answers": [1]})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "instrument"
    assert await ScreenerResult.all().count() == 0


async def test_history_and_weekly_suggestion(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    before = (await c.get("/api/v1/screeners")).json()
    assert before == {"results": [], "due": ["phq9", "gad7"]}
    await c.post("/api/v1/screeners/gad7", json={"answers": [0, 1, 0, 1, 0, 1, 0]})
    after = (await c.get("/api/v1/screeners")).json()
    assert after["due"] == ["phq9"]
    assert [r["instrument"] for r in after["results"]] == ["gad7"]
    assert after["results"][0]["total"] == 3
    only = (await c.get("/api/v1/screeners", params={"instrument": "phq9"})).json()
    assert only["results"] == []


async def test_a_screener_id_is_stored_once_and_not_shared(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    body = {"id": "0b6c1f7e-3d0a-4f4e-9b1a-2f6f2d9c8e11", "answers": [1, 0, 1, 0, 1, 0, 1]}
    assert (await c.post("/api/v1/screeners/gad7", json=body)).status_code in (200, 201)
    again = await c.post("/api/v1/screeners/gad7", json=body)
    assert again.json()["status"] == "duplicate"
    other = await signed_in("client")
    taken = await other.post("/api/v1/screeners/gad7", json=body)
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "id"
    assert await ScreenerResult.all().count() == 1
