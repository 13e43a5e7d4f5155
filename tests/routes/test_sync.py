from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import SignedIn
from wellness.models.checkins import CheckIn, PracticeSession, SafetyEvent, ScreenerResult, SyncOp


def stamp(minutes: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def today() -> date:
    return datetime.now(UTC).date()


def checkin_op(day: date, minutes: float = 0, **data: Any) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "type": "checkin.upsert",
            "data": {"local_date": day.isoformat(), **data}, "client_updated_at": stamp(minutes)}


def practice_op(**data: Any) -> dict[str, Any]:
    body = {"started_at": stamp(-60), "planned_seconds": 600, "actual_seconds": 420,
            "completed": False, "meditation_slug": "body-scan", **data}
    return {"op_id": str(uuid.uuid4()), "type": "practice.create", "data": body,
            "client_updated_at": stamp()}


def screener_op(instrument: str = "gad7", answers: list[int] | None = None) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "type": "screener.submit",
            "data": {"instrument": instrument, "answers": answers or [1, 1, 0, 2, 0, 1, 0]},
            "client_updated_at": stamp()}


async def push(c: httpx.AsyncClient, ops: list[dict[str, Any]]) -> dict[str, Any]:
    r = await c.post("/api/v1/sync", json={"ops": ops})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_replaying_a_batch_three_times_stores_one_copy_of_each(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    ops = [checkin_op(today() - timedelta(days=i), mood=3, note=f"day {i}") for i in range(5)]
    ops += [practice_op() for _ in range(3)] + [screener_op(), screener_op("phq2", [1, 0])]
    first = await push(c, ops)
    assert [r["status"] for r in first["results"]] == ["applied"] * 10
    for _ in range(2):
        again = await push(c, ops)
        assert [r["status"] for r in again["results"]] == ["duplicate"] * 10
        assert [r["op_id"] for r in again["results"]] == [op["op_id"] for op in ops]
    assert await CheckIn.all().count() == 5
    assert await PracticeSession.all().count() == 3
    assert await ScreenerResult.all().count() == 2
    assert await SyncOp.all().count() == 10


async def test_one_bad_op_names_its_field_and_the_rest_apply(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    ops = [checkin_op(today(), mood=4), checkin_op(today() - timedelta(days=1), mood=9),
           practice_op(actual_seconds=-5), {"op_id": "not-a-uuid", "type": "checkin.upsert"},
           screener_op("phq9", [0, 1]), practice_op(meditation_slug="no-such-thing"),
           checkin_op(today() + timedelta(days=3), mood=2),
           {**checkin_op(today() - timedelta(days=2), mood=2), "client_updated_at": "2040-01-01T00:00:00Z"},
           "junk", practice_op()]
    body = await push(c, ops)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["applied", "problem", "problem", "problem", "problem", "problem",
                        "problem", "problem", "problem", "applied"]
    fields = [r["problem"]["errors"][0]["field"] for r in body["results"] if r["status"] == "problem"]
    assert fields == ["ops.1.data.mood", "ops.2.data.actual_seconds", "ops.3.op_id",
                      "ops.4.data.answers", "ops.5.data.meditation_slug",
                      "ops.6.data.local_date", "ops.7.client_updated_at", "ops.8"]
    assert body["results"][1]["op_id"] == ops[1]["op_id"]
    assert await CheckIn.all().count() == 1 and await PracticeSession.all().count() == 1
    # A corrected op goes through; the bad ones were not remembered as applied.
    fixed = {**ops[1], "data": {**ops[1]["data"], "mood": 2}}
    assert (await push(c, [fixed]))["results"][0]["status"] == "applied"


async def test_an_older_edit_arriving_later_is_superseded(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    day = today()
    newer, older = checkin_op(day, 0, mood=5), checkin_op(day, -90, mood=1)
    body = await push(c, [newer, older])
    assert [r["status"] for r in body["results"]] == ["applied", "superseded"]
    assert (await CheckIn.get(local_date=day)).mood == 5
    # Ties go to the later arrival.
    tie = {**checkin_op(day, mood=2), "client_updated_at": newer["client_updated_at"]}
    assert (await push(c, [tie]))["results"][0]["status"] == "applied"
    assert (await CheckIn.get(local_date=day)).mood == 2
    # A replay of the superseded op is still only a duplicate.
    replay = (await push(c, [older]))["results"][0]
    assert replay["status"] == "duplicate" and replay["original_status"] == "superseded"
    assert (await CheckIn.get(local_date=day)).mood == 2


async def test_clock_skew_is_tolerated_but_absurd_times_are_not(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    skewed = checkin_op(today(), 60 * 20, mood=3)  # a phone 20 hours ahead
    assert (await push(c, [skewed]))["results"][0]["status"] == "applied"
    early = {**checkin_op(today() - timedelta(days=1), mood=3),
             "client_updated_at": "1999-06-01T00:00:00Z"}
    r = (await push(c, [early]))["results"][0]
    assert r["status"] == "problem"
    assert r["problem"]["errors"][0]["field"] == "ops.0.client_updated_at"


async def test_a_batch_holds_at_most_500_ops(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    r = await c.post("/api/v1/sync", json={"ops": [practice_op() for _ in range(501)]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ops"
    assert await PracticeSession.all().count() == 0


async def test_risky_ops_return_crisis_resources_and_record_events(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    ops = [checkin_op(today(), craving=9), screener_op("phq9", [1, 1, 1, 0, 0, 0, 0, 0, 1])]
    body = await push(c, ops)
    assert body["crisis"]["contacts"]
    assert [r["safety"] for r in body["results"]] == [True, True]
    kinds = sorted(e.kind.value for e in await SafetyEvent.all())
    assert kinds == ["craving", "self_harm_item"]
    # The first answer may never have reached the phone: a replay shows help again, once.
    replay = await push(c, ops)
    assert replay["crisis"]["contacts"]
    assert await SafetyEvent.all().count() == 2
    calm = await push(c, [checkin_op(today() - timedelta(days=1), craving=1)])
    assert "crisis" not in calm


async def test_op_ids_belong_to_one_user(signed_in: SignedIn) -> None:
    a, b = await signed_in("client"), await signed_in("client")
    op = practice_op()
    assert (await push(a, [op]))["results"][0]["status"] == "applied"
    stolen = (await push(b, [op]))["results"][0]
    assert stolen["status"] == "problem" and "id" not in stolen
    assert stolen["problem"]["errors"][0]["field"] == "ops.0.op_id"
    assert await PracticeSession.filter(user_id=b.user["id"]).count() == 0  # type: ignore[attr-defined]


async def test_a_second_device_catches_up_from_a_cursor(signed_in: SignedIn) -> None:
    phone = await signed_in("client", username="shared")
    other = await signed_in("client")
    await push(other, [checkin_op(today(), mood=1)])
    day = today()
    await push(phone, [checkin_op(day, mood=2, note="first"), practice_op()])
    feed = (await phone.get("/api/v1/sync", params={"since": 0})).json()
    assert {(ch["entity"], ch["op"]) for ch in feed["changes"]} == {("checkin", "upsert"),
                                                                    ("practice", "upsert")}
    checkin = next(ch for ch in feed["changes"] if ch["entity"] == "checkin")
    assert checkin["id"] == day.isoformat() and checkin["data"]["note"] == "first"
    cursor = feed["cursor"]
    assert feed["more"] is False
    assert (await phone.get("/api/v1/sync", params={"since": cursor})).json()["changes"] == []
    await push(phone, [checkin_op(day, 1, mood=4, note="second"), checkin_op(day, 2, mood=5)])
    later = (await phone.get("/api/v1/sync", params={"since": cursor})).json()
    assert len(later["changes"]) == 1 and later["changes"][0]["data"]["mood"] == 5
    assert later["cursor"] > cursor
    bad = await phone.get("/api/v1/sync", params={"since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.since"
