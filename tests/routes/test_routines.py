from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from starlette.applications import Starlette

from tests.conftest import SignedIn
from tests.linking import link
from wellness import jobs
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn
from wellness.models.nudges import Nudge, Reminder
from wellness.services import nudges

DAILY = [1, 2, 3, 4, 5, 6, 7]


def today() -> date:
    return datetime.now(UTC).date()


def item(kind: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "days_of_week": DAILY, **extra}


async def make(user: httpx.AsyncClient, name: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    r = await user.post("/api/v1/routines", json={"name": name, "items": items})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def test_templates_are_assigned_as_copies_to_linked_clients(signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    other = await signed_in("counselor")
    client = await signed_in("client")
    template = await make(counselor, "Steady mornings", [
        item("checkin", local_time="08:00"),
        {"kind": "meditation", "target": "box-breathing", "times_per_week": 3},
        item("meditation_tag", target="breath"),
        item("tip", target="eat-every-few-hours"),
        {"kind": "screener", "target": "phq9", "times_per_week": 1},
        item("custom", text="Walk round the block"),
    ])
    assert template["is_template"] and template["client_id"] is None
    assert len(template["items"]) == 6
    url = f"/api/v1/clients/{client.user['id']}/routines"
    assert (await counselor.post(url, json={"template_id": template["id"]})).status_code == 404
    await link(counselor, client, [])
    assert (await other.post(url, json={"template_id": template["id"]})).status_code == 404
    await link(other, client, [])
    r = await other.post(url, json={"template_id": template["id"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "template_id"
    r = await counselor.post(url, json={"template_id": template["id"]})
    assert r.status_code == 201
    copy = r.json()
    assert copy["client_id"] == client.user["id"] and copy["source_template_id"] == template["id"]
    assert copy["id"] != template["id"] and copy["name"] == "Steady mornings"

    own = await make(client, "Mine", [item("checkin")])
    assert not own["is_template"] and own["client_id"] == client.user["id"]
    mine = (await client.get("/api/v1/me/routines")).json()["routines"]
    assert [r["name"] for r in mine] == ["Steady mornings", "Mine"]
    library = (await counselor.get("/api/v1/routines")).json()["routines"]
    assert [(r["name"], r["is_template"]) for r in library] == [
        ("Steady mornings", True), ("Steady mornings", False)]
    assert (await counselor.get("/api/v1/me/routines")).status_code == 403

    # Erasing the counselor's account leaves the client's copy in place.
    await User.filter(id=counselor.user["id"]).delete()
    mine = (await client.get("/api/v1/me/routines")).json()["routines"]
    assert [(r["name"], r["owner_id"]) for r in mine] == [
        ("Steady mornings", None), ("Mine", client.user["id"])]


async def test_bad_routines_are_refused_naming_the_field(signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    cases = [
        ([item("meditation", target="no-such-meditation")], "items.0.target"),
        ([item("screener", target="phq42")], "items.0.target"),
        ([{"kind": "checkin"}], "items.0"),
        ([{"kind": "checkin", "days_of_week": [1], "times_per_week": 2}], "items.0"),
        ([item("checkin", days_of_week=[0, 8])], "items.0"),
        ([item("custom")], "items.0"),
        ([item("checkin", local_time="25:00")], "items.0.local_time"),
        ([], "items"),
    ]
    for items, field in cases:
        r = await counselor.post("/api/v1/routines", json={"name": "x", "items": items})
        assert r.status_code == 422, items
        assert r.json()["errors"][0]["field"] == field, r.json()
    assert (await counselor.get("/api/v1/routines")).json()["routines"] == []


async def test_today_states_follow_what_the_client_recorded(signed_in: SignedIn) -> None:
    client = await signed_in("client")
    start = (today() - timedelta(days=3)).isoformat()
    await make(client, "Every day", [
        item("checkin", start_date=start),
        item("meditation", target="box-breathing", start_date=start),
        item("meditation_tag", target="breath", start_date=start),
        item("screener", target="gad2", start_date=start),
        item("tip", target="eat-every-few-hours", start_date=start),
        item("custom", text="Call my sponsor", start_date=start),
    ])

    async def states() -> dict[str, tuple[str, bool]]:
        r = await client.get("/api/v1/today")
        assert r.status_code == 200, r.text
        return {i["kind"]: (i["state"], i["missed_yesterday"]) for i in r.json()["routines"]}

    assert await states() == {k: ("pending", True) for k in (
        "checkin", "meditation", "meditation_tag", "screener", "tip", "custom")}

    r = await client.put(f"/api/v1/checkins/{today().isoformat()}", json={"mood": 4})
    assert r.status_code in (200, 201), r.text
    r = await client.post("/api/v1/practice-sessions", json={
        "meditation_slug": "box-breathing", "started_at": datetime.now(UTC).isoformat(),
        "actual_seconds": 240, "completed": True})
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/screeners/gad2", json={"answers": [0, 1]})
    assert r.status_code == 201, r.text
    after = await states()
    assert {k: v[0] for k, v in after.items()} == {
        "checkin": "done", "meditation": "done", "meditation_tag": "done",
        "screener": "done", "tip": "pending", "custom": "pending"}

    routine = (await client.get("/api/v1/me/routines")).json()["routines"][0]
    tip = next(i for i in routine["items"] if i["kind"] == "tip")
    checkin = next(i for i in routine["items"] if i["kind"] == "checkin")
    assert (checkin["today"], checkin["adherence_7d"]) == ("done", 0.25)  # 1 of 4 days
    r = await client.post(f"/api/v1/me/routine-items/{tip['id']}/done", json={})
    assert r.status_code == 204
    assert (await client.post(f"/api/v1/me/routine-items/{tip['id']}/done",
                              json={})).status_code == 204
    assert (await states())["tip"][0] == "done"
    r = await client.post(f"/api/v1/me/routine-items/{checkin['id']}/done", json={})
    assert r.status_code == 422  # a check-in ticks itself


async def test_an_item_missed_yesterday_and_not_due_today_is_listed(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await signed_in("client")
    yesterday = today() - timedelta(days=1)
    await make(client, "Yesterday only", [
        item("checkin", days_of_week=[yesterday.isoweekday()],
             start_date=(today() - timedelta(days=14)).isoformat())])
    [entry] = (await client.get("/api/v1/today")).json()["routines"]
    assert entry["state"] == "missed_yesterday"
    await CheckIn.create(user_id=client.user["id"], local_date=yesterday, mood=3,
                         client_updated_at=datetime.now(UTC))
    assert (await client.get("/api/v1/today")).json()["routines"] == []


async def test_adherence_over_7_and_30_days(app: Starlette, signed_in: SignedIn) -> None:
    client = await signed_in("client")
    start = (today() - timedelta(days=40)).isoformat()
    await make(client, "Daily", [item("checkin", start_date=start),
                                 {"kind": "checkin", "times_per_week": 7, "start_date": start}])
    for n in (1, 2, 3, 5, 6, 10, 20):
        await CheckIn.create(user_id=client.user["id"], local_date=today() - timedelta(days=n),
                             mood=3, client_updated_at=datetime.now(UTC))
    [routine] = (await client.get("/api/v1/me/routines")).json()["routines"]
    daily, weekly = routine["items"]
    # Today is not done yet, so it does not count against the client.
    assert daily["adherence_7d"] == round(5 / 6, 2)
    assert daily["adherence_30d"] == round(7 / 29, 2)
    assert weekly["adherence_7d"] == round(5 / 6, 2)
    assert routine["adherence_7d"] == round(10 / 12, 2)


def first_local_fire(at: time, weekdays: set[int], tz: ZoneInfo, after: datetime) -> datetime:
    day = after.astimezone(tz).date()
    while True:
        fire = datetime.combine(day, at, tz)
        if day.weekday() in weekdays and fire > after:
            return fire
        day += timedelta(days=1)


async def test_timed_items_of_an_assigned_routine_become_reminders_the_planner_sends(
        app: Starlette, signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    client = await signed_in("client", timezone="America/Chicago")
    await link(counselor, client)
    template = await make(counselor, "Evenings", [
        {"kind": "checkin", "days_of_week": [1, 3, 5], "local_time": "07:30"},
        {"kind": "custom", "text": "Call my sponsor", "times_per_week": 3, "local_time": "19:00"},
        item("meditation", target="box-breathing"),
    ])
    before = datetime.now(UTC)
    assert (await counselor.get("/api/v1/reminders")).status_code == 403
    r = await counselor.post(f"/api/v1/clients/{client.user['id']}/routines",
                             json={"template_id": template["id"]})
    assert r.status_code == 201, r.text
    items = {i["kind"]: i["id"] for i in r.json()["items"]}

    shown = (await client.get("/api/v1/reminders")).json()["reminders"]
    by_item = {x["routine_item_id"]: x for x in shown}
    assert set(by_item) == {items["checkin"], items["custom"]}
    checkin, custom = by_item[items["checkin"]], by_item[items["custom"]]
    assert checkin["kind"] == custom["kind"] == "routine"
    assert checkin["days_of_week"] == [0, 2, 4]  # ISO Mon/Wed/Fri as reminder weekdays
    assert custom["days_of_week"] == [0, 1, 2, 3, 4, 5, 6] and custom["label"] is None
    tz = ZoneInfo("America/Chicago")
    fire = datetime.fromisoformat(checkin["next_fire_at"])
    assert fire == first_local_fire(time(7, 30), {0, 2, 4}, tz, before)
    assert fire.astimezone(tz).strftime("%H:%M") == "07:30"

    catalog = app.state.catalog
    await nudges.plan_due_reminders(catalog, fire - timedelta(minutes=1))
    assert not await Nudge.exists(reminder_id=checkin["id"])
    assert await nudges.plan_due_reminders(catalog, fire) >= 1
    nudge = await Nudge.get(reminder_id=checkin["id"]).prefetch_related("user")
    assert nudge.kind == "routine" and nudge.due_at == fire
    assert (nudge.title, nudge.body) in {(c.title, c.body) for c in catalog.nudge_copy["routine"]}
    custom_fire = datetime.fromisoformat(custom["next_fire_at"])
    await nudges.plan_due_reminders(catalog, custom_fire)
    spoken = await Nudge.get(reminder_id=custom["id"]).prefetch_related("user")
    assert b"sponsor" not in nudges.payload(spoken, "topic")
    inbox = (await client.get("/api/v1/nudges")).json()
    assert "sponsor" not in str(inbox) and any(n["kind"] == "routine" for n in inbox["nudges"])


async def test_a_clients_own_timed_routine_reminds_them_from_its_start_date(
        signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor", timezone="Europe/Madrid")
    await make(counselor, "Template only", [item("checkin", local_time="09:00")])
    assert await Reminder.filter(kind="routine").count() == 0  # a template reminds no one
    client = await signed_in("client", timezone="Asia/Tokyo")
    start = today() + timedelta(days=10)
    routine = await make(client, "Mine", [
        item("checkin", local_time="21:15", start_date=start.isoformat()), item("checkin")])
    shown = (await client.get("/api/v1/reminders")).json()["reminders"]
    assert [x["routine_item_id"] for x in shown] == [routine["items"][0]["id"]]
    fire = datetime.fromisoformat(shown[0]["next_fire_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert fire.date() == start and fire.strftime("%H:%M") == "21:15"


async def test_a_routine_reminder_stops_after_its_items_last_day(app: Starlette,
                                                                  signed_in: SignedIn) -> None:
    client = await signed_in("client")
    day = today() + timedelta(days=2)
    routine = await make(client, "Short", [item("custom", text="Stretch", local_time="09:00",
                                                start_date=day.isoformat(),
                                                end_date=day.isoformat())])
    item_id = routine["items"][0]["id"]
    fire = datetime.combine(day, time(9, 0), UTC)
    assert (await client.get("/api/v1/reminders")).json()["reminders"][0]["next_fire_at"] == (
        fire.isoformat())
    await nudges.plan_due_reminders(app.state.catalog, fire)
    assert await Nudge.filter(user_id=client.user["id"]).count() == 1  # type: ignore[attr-defined]
    await nudges.plan_due_reminders(app.state.catalog, fire + timedelta(days=1))
    assert await Nudge.filter(user_id=client.user["id"]).count() == 1  # type: ignore[attr-defined]
    assert (await client.get("/api/v1/reminders")).json()["reminders"] == []
    assert not await Reminder.exists(routine_item_id=item_id)


async def test_a_routine_nudge_is_skipped_when_the_item_is_already_done(
        app: Starlette, signed_in: SignedIn) -> None:
    client = await signed_in("client", timezone="Europe/Berlin")
    routine = await make(client, "Mine", [
        item("checkin", local_time="20:00"),
        {"kind": "custom", "text": "Stretch", "times_per_week": 1, "local_time": "08:00"}])
    shown = {r["routine_item_id"]: r for r in
             (await client.get("/api/v1/reminders")).json()["reminders"]}
    checkin_item, stretch_item = (i["id"] for i in routine["items"])
    checkin_fire = datetime.fromisoformat(shown[checkin_item]["next_fire_at"])
    local_day = checkin_fire.astimezone(ZoneInfo("Europe/Berlin")).date()
    r = await client.put(f"/api/v1/checkins/{local_day.isoformat()}", json={"mood": 4})
    assert r.status_code == 200
    stretch_fire = datetime.fromisoformat(shown[stretch_item]["next_fire_at"])
    stretch_day = stretch_fire.astimezone(ZoneInfo("Europe/Berlin")).date()
    r = await client.post(f"/api/v1/me/routine-items/{stretch_item}/done",
                          json={"local_date": stretch_day.isoformat()})
    assert r.status_code in (200, 204), r.text

    catalog = app.state.catalog
    outcome: Counter[str] = Counter()
    for fire in sorted((checkin_fire, stretch_fire)):
        await nudges.plan_due_reminders(catalog, fire)
        outcome += await nudges.dispatch_due_nudges(
            jobs.push_sender(app), app.state.settings.secret_key, "test", fire, catalog=catalog)
    assert outcome == Counter({"skipped": 2})
    statuses = await Nudge.filter(user_id=client.user["id"]).values_list(  # type: ignore[attr-defined]
        "status", flat=True)
    assert sorted(statuses) == ["skipped", "skipped"]
