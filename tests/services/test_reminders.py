from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.conftest import SignedIn
from wellness.services.reminders import fire_instant, in_quiet_hours, next_fire

# Zones with DST at 00:00, 01:00, 02:00 and 03:00, half-hour offsets and shifts, southern
# hemisphere rules, and zones without DST, to catch off-by-one-day mistakes everywhere.
ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Phoenix", "America/Anchorage", "Pacific/Honolulu", "America/Sao_Paulo",
    "America/Santiago", "America/Havana", "America/St_Johns", "Europe/London", "Europe/Berlin",
    "Europe/Athens", "Africa/Cairo", "Asia/Beirut", "Asia/Tehran", "Asia/Kolkata",
    "Asia/Kathmandu", "Australia/Sydney", "Australia/Adelaide", "Australia/Lord_Howe",
    "Pacific/Auckland", "Pacific/Chatham", "UTC",
]  # fmt: skip
TIMES = ["00:00", "00:30", "01:30", "02:00", "02:30", "03:00", "12:00", "23:59"]
START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 730


def _expected_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The requested wall time, or the first minute after it that exists that day."""
    wall = datetime.combine(day, at)
    while True:
        aware = wall.replace(tzinfo=tz)
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:
            return aware
        wall += timedelta(minutes=1)


def test_two_years_in_many_zones_fire_exactly_once_per_scheduled_local_day() -> None:
    assert len(ZONES) >= 20
    for index, zone in enumerate(ZONES):
        tz = ZoneInfo(zone)
        for at_text in TIMES:
            # Every day for most, a weekday subset for some: both must hold.
            days = {0, 2, 4, 6} if (index + len(at_text)) % 3 == 0 else set(range(7))
            at = time.fromisoformat(at_text)
            fires: list[datetime] = []
            after = START
            end = START + timedelta(days=DAYS)
            while True:
                fire = next_fire(at_text, days, tz, after)
                assert fire is not None and fire > after
                if fire >= end:
                    break
                fires.append(fire)
                after = fire
            local_days = [f.astimezone(tz).date() for f in fires]
            first, last = START.astimezone(tz).date(), end.astimezone(tz).date()
            scheduled = [first + timedelta(days=i)
                         for i in range((last - first).days + 1)
                         if (first + timedelta(days=i)).weekday() in days]
            scheduled = [d for d in scheduled
                         if START < _expected_local(d, at, tz) < end]
            assert local_days == scheduled, (zone, at_text)
            for fire, day in zip(fires, local_days, strict=True):
                assert fire.astimezone(tz) == _expected_local(day, at, tz), (zone, at_text, day)


def test_a_time_that_does_not_exist_fires_at_the_next_valid_minute() -> None:
    ny = ZoneInfo("America/New_York")
    fire = fire_instant(date(2026, 3, 8), time(2, 30), ny)
    assert fire == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    assert fire.astimezone(ny).strftime("%H:%M") == "03:00"


def test_a_repeated_hour_fires_once() -> None:
    ny = ZoneInfo("America/New_York")
    after = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    first = next_fire("01:30", set(range(7)), ny, after)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first one
    second = next_fire("01:30", set(range(7)), ny, first)
    assert second == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # the next day, 01:30 EST


def test_an_eased_reminder_passes_every_other_time() -> None:
    tz = ZoneInfo("Europe/Berlin")
    after = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)  # a Monday
    normal = next_fire("09:00", set(range(7)), tz, after)
    eased = next_fire("09:00", set(range(7)), tz, after, skip=1)
    assert normal is not None and eased == normal + timedelta(days=1)


def test_no_days_means_no_fire() -> None:
    assert next_fire("09:00", set(), ZoneInfo("UTC"), START) is None


def test_quiet_hours_wrap_midnight() -> None:
    assert in_quiet_hours(23 * 60, "22:00", "07:00")
    assert in_quiet_hours(6 * 60 + 59, "22:00", "07:00")
    assert not in_quiet_hours(7 * 60, "22:00", "07:00")
    assert in_quiet_hours(13 * 60, "12:00", "14:00")
    assert not in_quiet_hours(13 * 60, "09:00", "09:00")


async def test_changing_time_zone_moves_future_reminders(signed_in: SignedIn) -> None:
    c: httpx.AsyncClient = await signed_in(timezone="America/Chicago")
    r = await c.put("/api/v1/reminders", json={"reminders": [
        {"kind": "checkin", "local_time": "20:00"}]})
    assert r.status_code == 200, r.text
    before = datetime.fromisoformat(r.json()["reminders"][0]["next_fire_at"])
    assert before.astimezone(ZoneInfo("America/Chicago")).strftime("%H:%M") == "20:00"
    r = await c.patch("/api/v1/me", json={"timezone": "Asia/Tokyo"})
    assert r.status_code == 200
    after = datetime.fromisoformat(
        (await c.get("/api/v1/reminders")).json()["reminders"][0]["next_fire_at"])
    assert after.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "20:00"
    assert after != before
