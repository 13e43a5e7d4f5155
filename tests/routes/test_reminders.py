from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import SignedIn
from wellness.models.nudges import Reminder
from wellness.services.reminders import set_routine_reminder


async def test_put_then_get_reminders(signed_in: SignedIn) -> None:
    c = await signed_in(timezone="Europe/Madrid")
    r = await c.put("/api/v1/reminders", json={"reminders": [
        {"kind": "checkin", "local_time": "21:00", "days_of_week": [0, 1, 2, 3, 4]},
        {"kind": "custom", "local_time": "08:15", "label": "Stretch", "enabled": False},
        {"kind": "meditation", "local_time": "07:30", "label": "ignored for this kind"},
    ]})
    assert r.status_code == 200, r.text
    body = (await c.get("/api/v1/reminders")).json()
    assert body["timezone"] == "Europe/Madrid" and body["quiet_start"] == "22:00"
    by_kind = {x["kind"]: x for x in body["reminders"]}
    assert by_kind["custom"]["next_fire_at"] is None and by_kind["custom"]["label"] == "Stretch"
    assert by_kind["meditation"]["label"] is None
    fire = datetime.fromisoformat(by_kind["checkin"]["next_fire_at"]).astimezone(
        ZoneInfo("Europe/Madrid"))
    assert fire.strftime("%H:%M") == "21:00" and fire.weekday() < 5
    assert by_kind["checkin"]["eased"] is False
    assert by_kind["checkin"]["in_quiet_hours"] is False


async def test_put_keeps_listed_ids_and_removes_the_rest(signed_in: SignedIn) -> None:
    c = await signed_in()
    first = (await c.put("/api/v1/reminders", json={"reminders": [
        {"kind": "checkin", "local_time": "09:00"},
        {"kind": "meditation", "local_time": "18:00"}]})).json()["reminders"]
    keep = next(x for x in first if x["kind"] == "checkin")
    r = await c.put("/api/v1/reminders", json={"reminders": [
        {"id": keep["id"], "kind": "checkin", "local_time": "10:00"}]})
    assert [(x["id"], x["local_time"]) for x in r.json()["reminders"]] == [(keep["id"], "10:00")]
    assert await Reminder.all().count() == 1


async def test_routine_reminders_stay_when_the_list_is_replaced(signed_in: SignedIn) -> None:
    c = await signed_in()
    await set_routine_reminder(c.user["id"], "item-1", "12:00")  # type: ignore[attr-defined]
    r = await c.put("/api/v1/reminders", json={"reminders": []})
    assert [x["kind"] for x in r.json()["reminders"]] == ["routine"]


@pytest.mark.parametrize(("item", "field"), [
    ({"kind": "checkin", "local_time": "25:00"}, "reminders.0.local_time"),
    ({"kind": "checkin", "local_time": "9:00"}, "reminders.0.local_time"),
    ({"kind": "checkin", "local_time": "09:00", "days_of_week": [7]}, "reminders.0.days_of_week.0"),
    ({"kind": "checkin", "local_time": "09:00", "days_of_week": [1, 1]},
     "reminders.0.days_of_week"),
    ({"kind": "checkin", "local_time": "09:00", "days_of_week": []}, "reminders.0.days_of_week"),
    ({"kind": "sleep", "local_time": "09:00"}, "reminders.0.kind"),
    ({"kind": "routine", "local_time": "09:00"}, "reminders.0.kind"),
    ({"kind": "checkin", "local_time": "09:00", "id": 999999}, "reminders.0.id"),
    ({"kind": "custom", "local_time": "09:00", "label": "x" * 61}, "reminders.0.label"),
    ({"kind": "checkin", "local_time": "09:00", "colour": "red"}, "reminders.0.colour"),
])
async def test_bad_reminders_are_422_naming_the_field(signed_in: SignedIn, item: dict[str, object],
                                                      field: str) -> None:
    c = await signed_in()
    r = await c.put("/api/v1/reminders", json={"reminders": [item]})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await Reminder.all().count() == 0


async def test_too_many_reminders_is_422(signed_in: SignedIn) -> None:
    c = await signed_in()
    items = [{"kind": "checkin", "local_time": "09:00"}] * 21
    r = await c.put("/api/v1/reminders", json={"reminders": items})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reminders"


async def test_reminders_are_for_clients(signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    assert (await counselor.get("/api/v1/reminders")).status_code == 403
