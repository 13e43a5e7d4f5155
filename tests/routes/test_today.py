from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import SignedIn
from wellness.content.catalog import load_catalog
from wellness.services.content import tip_for_day


async def test_today_in_the_users_own_zone(signed_in: SignedIn) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: usually a different date from UTC
    c = await signed_in("client", timezone=zone)
    local = datetime.now(ZoneInfo(zone)).date()
    before = (await c.get("/api/v1/today")).json()
    assert before["date"] == local.isoformat()
    assert before["checkin"] == {"done": False, "data": None}
    assert before["streak"] == 0 and before["consistency"]["days"] == 0
    assert before["routines"] == [] and before["screeners_due"] == ["phq9", "gad7"]
    expected = tip_for_day(load_catalog(), c.user["id"], local)  # type: ignore[attr-defined]
    assert before["tip"]["slug"] == expected.slug
    tip_route = (await c.get("/api/v1/content/tips/today")).json()
    assert tip_route["tip"]["slug"] == before["tip"]["slug"]

    await c.put(f"/api/v1/checkins/{local - timedelta(days=1)}", json={"mood": 2})
    await c.put(f"/api/v1/checkins/{local}", json={"mood": 4, "note": "ok"})
    after = (await c.get("/api/v1/today")).json()
    assert after["checkin"]["done"] is True and after["checkin"]["data"]["note"] == "ok"
    assert after["yesterday_done"] is True
    assert after["streak"] == 2 and after["consistency"]["days"] == 2


async def test_tip_changes_with_the_day() -> None:
    catalog = load_catalog()
    start = date(2026, 1, 1)
    seen = {tip_for_day(catalog, "someone", start + timedelta(days=i)).slug for i in range(10)}
    assert len(seen) == 10
