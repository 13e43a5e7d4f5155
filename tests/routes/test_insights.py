from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import SignedIn


async def test_insights_over_http(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    today = datetime.now(UTC).date()
    for ago, mood in ((0, 4), (1, 2), (3, 3)):
        await c.put(f"/api/v1/checkins/{today - timedelta(days=ago)}",
                    json={"mood": mood, "craving": ago})
    await c.post("/api/v1/practice-sessions", json={
        "started_at": datetime.now(UTC).isoformat(), "actual_seconds": 900})
    r = await c.get("/api/v1/insights", params={"days": 7})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["days"] == 7 and body["from"] == str(today - timedelta(days=6))
    assert body["averages"]["mood"] == 3.0 and body["averages"]["craving"] == round(4 / 3, 2)
    assert body["averages"]["sleep_hours"] is None
    assert body["streak"] == 2
    assert body["consistency"]["days"] == 3
    assert sum(w["minutes"] for w in body["practice_minutes_per_week"]) == 15.0
    assert body["correlations"] == []
    default = (await c.get("/api/v1/insights")).json()
    assert default["days"] == 30 and len(default["series"]) == 30


async def test_only_7_30_or_90_days(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    r = await c.get("/api/v1/insights", params={"days": 365})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.days"


async def test_hide_streaks_applies_everywhere(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    await c.put(f"/api/v1/checkins/{datetime.now(UTC).date()}", json={"mood": 3})
    assert (await c.patch("/api/v1/me", json={"hide_streaks": True})).status_code == 200
    assert "streak" not in (await c.get("/api/v1/insights")).json()
    assert "streak" not in (await c.get("/api/v1/today")).json()
