from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.conftest import SignedIn
from wellness.models.checkins import PracticeSession


def started(minutes_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


async def test_partial_and_manual_sessions_are_logged(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    stopped = {"meditation_slug": "body-scan", "started_at": started(30), "planned_seconds": 600,
               "actual_seconds": 240, "completed": False}
    r = await c.post("/api/v1/practice-sessions", json=stopped)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "applied" and r.json()["actual_seconds"] == 240
    manual = {"started_at": started(600), "actual_seconds": 1200, "completed": True,
              "source": "manual"}
    r = await c.post("/api/v1/practice-sessions", json=manual)
    assert r.status_code == 201 and r.json()["meditation_slug"] is None
    listed = (await c.get("/api/v1/practice-sessions")).json()["sessions"]
    assert [s["actual_seconds"] for s in listed] == [240, 1200]
    assert [s["source"] for s in listed] == ["app", "manual"]
    one = (await c.get("/api/v1/practice-sessions", params={"limit": 1})).json()["sessions"]
    assert len(one) == 1


async def test_resending_the_same_id_is_a_duplicate(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    body = {"id": str(uuid.uuid4()), "started_at": started(5), "actual_seconds": 60}
    assert (await c.post("/api/v1/practice-sessions", json=body)).status_code == 201
    again = await c.post("/api/v1/practice-sessions", json=body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert await PracticeSession.all().count() == 1
    other = await signed_in("client")
    taken = await other.post("/api/v1/practice-sessions", json=body)
    assert taken.status_code == 409
    assert await PracticeSession.all().count() == 1


async def test_bad_sessions_name_the_field(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    cases = [
        ({"started_at": started(5), "actual_seconds": -1}, "actual_seconds"),
        ({"started_at": "2026-01-01T10:00:00", "actual_seconds": 60}, "started_at"),
        ({"started_at": "2050-01-01T10:00:00Z", "actual_seconds": 60}, "started_at"),
        ({"started_at": started(5), "actual_seconds": 60, "meditation_slug": "nope"},
         "meditation_slug"),
        ({"started_at": started(5), "actual_seconds": 60, "source": "watch"}, "source"),
        ({"actual_seconds": 60}, "started_at"),
    ]
    for body, field in cases:
        r = await c.post("/api/v1/practice-sessions", json=body)
        assert r.status_code == 422, body
        assert r.json()["errors"][0]["field"] == field
    assert await PracticeSession.all().count() == 0
    bad = await c.get("/api/v1/practice-sessions", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.limit"
