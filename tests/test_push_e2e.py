"""Reminders to the lock screen, through a real (fake) push service that checks everything."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from tests.conftest import SignedIn
from tests.fakes.push_service import FakePushService, FakeSubscription
from tests.linking import link
from wellness import jobs
from wellness.content.schema import find_banned_words
from wellness.models.nudges import Nudge, NudgeStatus, PushSubscription
from wellness.services import nudges
from wellness.services.alerts import evaluate_alert_rules


@pytest.fixture
def fake() -> Iterator[FakePushService]:
    with FakePushService() as service:
        yield service


async def tick(app: Starlette, now: datetime) -> Counter[str]:
    await nudges.plan_due_reminders(app.state.catalog, now)
    return await nudges.dispatch_due_nudges(jobs.push_sender(app), app.state.settings.secret_key,
                                            "worker-a", now)


async def subscribed_client(signed_in: SignedIn, fake: FakePushService, timezone: str = "UTC",
                            ) -> tuple[httpx.AsyncClient, FakeSubscription]:
    c = await signed_in(timezone=timezone)
    sub = fake.subscription()
    assert (await c.post("/api/v1/push/subscriptions", json=sub.as_json())).status_code == 201
    return c, sub


async def set_reminders(c: httpx.AsyncClient, *items: dict[str, object]) -> list[datetime]:
    r = await c.put("/api/v1/reminders", json={"reminders": list(items)})
    assert r.status_code == 200, r.text
    return [datetime.fromisoformat(x["next_fire_at"]) for x in r.json()["reminders"]]


async def test_a_reminder_arrives_once_at_its_local_time_decrypted_and_discreet(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, sub = await subscribed_client(signed_in, fake, "America/Chicago")
    await c.patch("/api/v1/me", json={"quiet_start": "23:00", "quiet_end": "06:00"})
    (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "19:30"})
    assert fire.astimezone(ZoneInfo("America/Chicago")).strftime("%H:%M") == "19:30"

    assert await tick(app, fire - timedelta(seconds=1)) == Counter()
    assert fake.deliveries == []
    await tick(app, fire + timedelta(seconds=2))
    await tick(app, fire + timedelta(seconds=30))
    await tick(app, fire + timedelta(minutes=5))

    assert fake.errors == []
    (delivery,) = fake.delivered_to(sub)
    payload = delivery.payload
    assert set(payload) == {"title", "body", "url", "nudge_id", "tag"}
    copies = {(v.title, v.body) for v in app.state.catalog.nudge_copy["checkin"]}
    assert (payload["title"], payload["body"]) in copies
    assert find_banned_words(payload["title"] + " " + payload["body"]) == []
    assert payload["url"] == "/#/checkin"
    topic = delivery.headers["topic"]
    assert payload["tag"] == topic and len(topic) <= 32
    assert c.user["id"] not in topic and "checkin" not in topic  # type: ignore[attr-defined]
    assert 0 < int(delivery.headers["ttl"]) <= 4 * 3600

    inbox = (await c.get("/api/v1/nudges")).json()["nudges"]
    assert [(n["id"], n["status"], n["opened_at"]) for n in inbox] == [
        (payload["nudge_id"], "sent", None)]
    r = await c.post(f"/api/v1/nudges/{payload['nudge_id']}/opened")
    assert r.status_code == 200 and r.json()["opened_at"]
    sub_row = await PushSubscription.get(endpoint=sub.endpoint)
    assert sub_row.last_success_at is not None


async def test_a_custom_label_stays_off_the_lock_screen_while_discreet(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, sub = await subscribed_client(signed_in, fake)
    await c.patch("/api/v1/me", json={"quiet_start": "00:00", "quiet_end": "00:00"})
    label = "Take methadone dose at the clinic"
    (fire,) = await set_reminders(c, {"kind": "custom", "local_time": "10:00", "label": label})
    await tick(app, fire + timedelta(seconds=1))
    (first,) = fake.delivered_to(sub)
    assert label not in str(first.payload)
    assert (await c.get("/api/v1/nudges")).json()["nudges"][0]["label"] == label

    await c.patch("/api/v1/me", json={"discreet_notifications": False})
    await tick(app, fire + timedelta(days=1, seconds=1))
    assert fake.delivered_to(sub)[-1].payload["title"] == label


async def test_inside_quiet_hours_a_nudge_goes_to_the_inbox_only(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, _sub = await subscribed_client(signed_in, fake)  # quiet hours 22:00-07:00 by default
    (fire,) = await set_reminders(c, {"kind": "meditation", "local_time": "22:30"})
    assert (await c.get("/api/v1/reminders")).json()["reminders"][0]["in_quiet_hours"] is True
    await tick(app, fire + timedelta(seconds=1))
    assert fake.requests == []
    (item,) = (await c.get("/api/v1/nudges")).json()["nudges"]
    assert item["status"] == "sent" and item["url"] == "/#/meditations"


async def test_410_removes_the_subscription_and_the_nudge_stays_in_the_inbox(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, sub = await subscribed_client(signed_in, fake)
    other = fake.subscription()
    assert (await c.post("/api/v1/push/subscriptions", json=other.as_json())).status_code == 201
    fake.forget(sub)
    (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "12:00"})
    await tick(app, fire + timedelta(seconds=1))
    assert not await PushSubscription.filter(endpoint=sub.endpoint).exists()
    assert await PushSubscription.filter(endpoint=other.endpoint).exists()
    assert len(fake.delivered_to(other)) == 1
    (item,) = (await c.get("/api/v1/nudges")).json()["nudges"]
    assert item["status"] == "sent"


async def test_500s_for_a_while_then_recovery_delivers_every_nudge_once(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    subs = []
    fire = None
    for _ in range(3):
        c, sub = await subscribed_client(signed_in, fake)
        (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "09:00"})
        subs.append(sub)
    assert fire is not None
    fake.answer(500, times=7)
    now = fire + timedelta(seconds=1)
    for _ in range(12):
        await tick(app, now)
        now += timedelta(minutes=5)
    assert fake.errors == []
    assert [len(fake.delivered_to(s)) for s in subs] == [1, 1, 1]
    statuses = await Nudge.all().values_list("status", "attempts")
    assert all(status == NudgeStatus.SENT for status, _ in statuses)
    assert sum(attempts for _, attempts in statuses) == 3 + 7


async def test_a_push_service_that_stays_down_ends_failed_not_lost(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, _sub = await subscribed_client(signed_in, fake)
    (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "09:00"})
    fake.answer(503, times=100)
    now = fire + timedelta(seconds=1)
    for _ in range(20):
        await tick(app, now)
        now += timedelta(minutes=10)
    (item,) = (await c.get("/api/v1/nudges")).json()["nudges"]
    assert item["status"] == "failed"
    row = await Nudge.get(id=item["id"])
    assert row.last_error == "push service 503" and 1 < row.attempts <= nudges.MAX_ATTEMPTS


async def test_retry_after_is_respected(app: Starlette, signed_in: SignedIn,
                                        fake: FakePushService) -> None:
    c, sub = await subscribed_client(signed_in, fake)
    (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "09:00"})
    fake.answer(429, retry_after="1")
    now = fire + timedelta(seconds=1)
    assert (await tick(app, now))["retry"] == 1
    row = await Nudge.get()
    assert row.status == NudgeStatus.PENDING
    assert now + timedelta(seconds=1) <= row.next_attempt_at < now + timedelta(seconds=2)
    requests = len(fake.requests)
    assert await tick(app, now + timedelta(milliseconds=500)) == Counter()
    assert len(fake.requests) == requests  # nothing sent before Retry-After
    await asyncio.sleep(1.05)  # the sender also pauses that push service for real
    assert (await tick(app, now + timedelta(seconds=2)))["sent"] == 1
    assert len(fake.delivered_to(sub)) == 1


async def test_a_slow_push_service_does_not_slow_the_api(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, sub = await subscribed_client(signed_in, fake)
    (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "09:00"})
    fake.delay = 1.5
    await nudges.plan_due_reminders(app.state.catalog, fire + timedelta(seconds=1))
    sending = asyncio.create_task(nudges.dispatch_due_nudges(
        jobs.push_sender(app), app.state.settings.secret_key, "w", fire + timedelta(seconds=1)))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    r = await c.get("/api/v1/nudges")
    r2 = await c.put("/api/v1/reminders", json={"reminders": [
        {"kind": "checkin", "local_time": "09:00", "id": 1}, {"kind": "meditation",
                                                              "local_time": "18:00"}]})
    answered_while_sending = not sending.done()
    assert r.status_code == 200 and r2.status_code == 200
    assert r.json()["nudges"][0]["status"] == "leased"
    assert answered_while_sending, time.monotonic() - started
    assert (await sending)["sent"] == 1
    assert len(fake.delivered_to(sub)) == 1


async def test_opening_nudges_after_easing_restores_the_rhythm(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, sub = await subscribed_client(signed_in, fake)
    (fire,) = await set_reminders(c, {"kind": "meditation", "local_time": "08:00"})
    for day in range(nudges.EASE_AFTER + 1):
        await tick(app, fire + timedelta(days=day, seconds=1))
    assert len(fake.delivered_to(sub)) == nudges.EASE_AFTER  # the sixth became a notice
    reminder = (await c.get("/api/v1/reminders")).json()["reminders"][0]
    assert reminder["eased"] is True
    inbox = (await c.get("/api/v1/nudges")).json()["nudges"]
    assert inbox[0]["kind"] == "notice" and inbox[0]["status"] == "sent"
    assert datetime.fromisoformat(reminder["next_fire_at"]) == fire + timedelta(days=7)

    last_sent = inbox[1]["id"]
    assert (await c.post(f"/api/v1/nudges/{last_sent}/opened")).status_code == 200
    reminder = (await c.get("/api/v1/reminders")).json()["reminders"][0]
    assert reminder["eased"] is False


async def test_opened_is_404_for_someone_elses_nudge(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    c, _ = await subscribed_client(signed_in, fake)
    (fire,) = await set_reminders(c, {"kind": "checkin", "local_time": "09:00"})
    await tick(app, fire + timedelta(seconds=1))
    (item,) = (await c.get("/api/v1/nudges")).json()["nudges"]
    stranger = await signed_in()
    assert (await stranger.post(f"/api/v1/nudges/{item['id']}/opened")).status_code == 404
    assert (await stranger.post("/api/v1/nudges/abc/opened")).status_code == 404
    assert (await stranger.get("/api/v1/nudges")).json() == {"nudges": []}


async def test_a_counselor_alert_is_pushed_discreetly_and_again_while_open(
        app: Starlette, signed_in: SignedIn, fake: FakePushService) -> None:
    client = await signed_in("client")
    counselor = await signed_in("counselor")
    sub = fake.subscription()
    assert (await counselor.post("/api/v1/push/subscriptions",
                                 json=sub.as_json())).status_code == 201
    await link(counselor, client, ["safety_alerts"])
    assert (await client.post("/api/v1/help-now")).status_code == 200
    now = datetime.now(UTC)
    window = timedelta(minutes=app.state.settings.alert_renotify_minutes)
    assert await nudges.plan_alert_nudges(app.state.catalog, now, window) == 1
    assert await nudges.plan_alert_nudges(app.state.catalog, now, window) == 0
    await tick(app, now)
    (delivery,) = fake.delivered_to(sub)
    assert delivery.payload["url"] == "/#/alerts"
    assert delivery.headers["urgency"] == "high"
    text = delivery.payload["title"] + " " + delivery.payload["body"]
    assert find_banned_words(text) == [] and "Help" not in text
    inbox = (await counselor.get("/api/v1/nudges")).json()["nudges"]
    assert [n["kind"] for n in inbox] == ["alert_counselor"]

    later = now + window + timedelta(minutes=1)
    assert (await evaluate_alert_rules(app.state.settings, later)).renotified == 1
    assert await nudges.plan_alert_nudges(app.state.catalog, later, window) == 1
    await tick(app, later)
    assert len(fake.delivered_to(sub)) == 2
