from __future__ import annotations

import asyncio
import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.conftest import PG_URL
from tests.fakes.push_service import FakePushService
from wellness import jobs
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn, PracticeSession
from wellness.models.nudges import Nudge, NudgeStatus, PushSubscription, Reminder, ReminderKind
from wellness.services import accounts, inbox, nudges, reminders

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake() -> Iterator[FakePushService]:
    with FakePushService() as service:
        yield service


async def make_user(name: str, fake: FakePushService | None = None) -> User:
    user = await accounts.create_user(username=name, password="correct horse battery staple",
                                      display_name=name, timezone="UTC")
    if fake is not None:
        sub = fake.subscription().as_json()
        await PushSubscription.create(user_id=user.id, endpoint=sub["endpoint"],
                                      p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"])
    return user


def outbox_row(user: User, key: str, kind: str = "custom", due: datetime = NOW,
               local_date: date | None = None) -> Nudge:
    return Nudge(user_id=user.id, kind=kind, dedupe_key=key, local_date=local_date or due.date(),
                 due_at=due, expires_at=due + timedelta(hours=4), next_attempt_at=due,
                 title="Hello again", body="A minute for you.")


async def dispatch(app: Starlette, now: datetime, worker: str = "w1",
                   limit: int = 500) -> Counter[str]:
    return await nudges.dispatch_due_nudges(jobs.push_sender(app), app.state.settings.secret_key,
                                            worker, now, limit=limit)


async def test_planner_makes_one_row_per_reminder_and_day_even_run_twice(app: Starlette) -> None:
    user = await make_user("planner1")
    await reminders.replace_reminders(user, [
        reminders.ReminderInput(ReminderKind.CHECKIN, "11:00", range(7)),
        reminders.ReminderInput(ReminderKind.MEDITATION, "11:30", range(7)),
        reminders.ReminderInput(ReminderKind.CUSTOM, "13:00", range(7), label="Walk"),
    ], NOW - timedelta(hours=3))
    planned = await asyncio.gather(nudges.plan_due_reminders(app.state.catalog, NOW),
                                   nudges.plan_due_reminders(app.state.catalog, NOW))
    assert sum(planned) >= 2
    rows = await Nudge.all().order_by("due_at")
    assert [r.kind for r in rows] == ["checkin", "meditation"]
    assert await nudges.plan_due_reminders(app.state.catalog, NOW) == 0
    for r in await Reminder.filter(kind__in=["checkin", "meditation"]):
        assert r.next_fire_at is not None and r.next_fire_at.date() == date(2026, 6, 2)


async def test_copy_changes_from_day_to_day(app: Starlette) -> None:
    catalog = app.state.catalog
    days = [nudges.render(catalog, "checkin", date(2026, 1, 1) + timedelta(days=i), 7)
            for i in range(30)]
    assert all(a != b for a, b in itertools.pairwise(days))


async def test_already_checked_in_today_is_skipped_and_not_sent(
        app: Starlette, fake: FakePushService) -> None:
    user = await make_user("done1", fake)
    await CheckIn.create(user_id=user.id, local_date=NOW.date(), mood=3, client_updated_at=NOW)
    await PracticeSession.create(user_id=user.id, started_at=NOW - timedelta(hours=2),
                                 actual_seconds=300)
    await Nudge.bulk_create([outbox_row(user, "a", "checkin"), outbox_row(user, "b", "meditation"),
                             outbox_row(user, "c", "checkin", local_date=NOW.date() - timedelta(days=1))])
    assert await dispatch(app, NOW) == Counter({"skipped": 2, "sent": 1})
    assert dict(await Nudge.all().values_list("dedupe_key", "status")) == {
        "a": NudgeStatus.SKIPPED, "b": NudgeStatus.SKIPPED, "c": NudgeStatus.SENT}
    assert len(fake.deliveries) == 1


async def test_past_its_window_a_nudge_expires_unsent(app: Starlette,
                                                      fake: FakePushService) -> None:
    user = await make_user("late1", fake)
    await Nudge.bulk_create([outbox_row(user, "late")])
    assert await dispatch(app, NOW + timedelta(hours=5)) == Counter({"expired": 1})
    assert fake.requests == []
    assert (await Nudge.get(dedupe_key="late")).status == NudgeStatus.EXPIRED


async def test_without_a_subscription_the_inbox_still_gets_it(app: Starlette) -> None:
    user = await make_user("nopush")
    await Nudge.bulk_create([outbox_row(user, "inbox")])
    assert await dispatch(app, NOW) == Counter({"sent": 1})
    assert (await inbox.list_nudges(user))[0]["status"] == "sent"


async def test_a_dead_dispatchers_lease_is_reclaimed_and_nothing_is_sent_twice(
        app: Starlette, fake: FakePushService) -> None:
    users = [await make_user(f"lease{i}", fake) for i in range(4)]
    await Nudge.bulk_create([outbox_row(u, f"n{i}") for i, u in enumerate(users)])
    # A dispatcher takes half the batch and dies before sending anything.
    dead = await nudges.claim_due_nudges("dead-worker", NOW, limit=2, lease_seconds=60)
    assert len(dead) == 2
    assert await dispatch(app, NOW + timedelta(seconds=10)) == Counter({"sent": 2})
    assert await dispatch(app, NOW + timedelta(seconds=30)) == Counter()  # still leased
    assert await dispatch(app, NOW + timedelta(seconds=61)) == Counter({"sent": 2})
    assert await dispatch(app, NOW + timedelta(minutes=10)) == Counter()
    ids = Counter(d.payload["nudge_id"] for d in fake.deliveries)
    assert sorted(ids.values()) == [1, 1, 1, 1]
    assert set(await Nudge.all().values_list("status", flat=True)) == {NudgeStatus.SENT}
    # Its late report changes nothing: the lease is no longer its own.
    stale = await Nudge.filter(id=dead[0].id, leased_by=dead[0].leased_by).count()
    assert stale == 0


async def test_a_worker_that_keeps_dying_ends_failed(app: Starlette) -> None:
    user = await make_user("poison")
    await Nudge.bulk_create([outbox_row(user, "p")])
    now = NOW
    for _ in range(nudges.MAX_ATTEMPTS):
        assert len(await nudges.claim_due_nudges("dies", now, lease_seconds=60)) == 1
        now += timedelta(seconds=61)
    assert await dispatch(app, now) == Counter({"failed": 1})


@pytest.mark.skipif(not PG_URL, reason="two app processes on one database need PostgreSQL "
                    "(FOR UPDATE SKIP LOCKED); SQLite is one process by design")
async def test_two_dispatcher_processes_on_postgres_deliver_5000_nudges_exactly_once(
        app: Starlette, fake: FakePushService) -> None:
    users = [await make_user(f"pg{i}", fake) for i in range(50)]
    await Nudge.bulk_create([outbox_row(users[i % 50], f"k{i}") for i in range(5000)],
                            batch_size=1000)
    workers = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.services.dispatch_worker", PG_URL,
        (NOW + timedelta(seconds=1)).isoformat(), name, cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for name in ("a", "b")]
    for proc in workers:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 60)).strip() == b"ready"
    for proc in workers:  # both start together
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
    outputs = [await asyncio.wait_for(proc.communicate(), 300) for proc in workers]
    assert [proc.returncode for proc in workers] == [0, 0]
    a, b = (Counter(json.loads(out)) for out, _ in outputs)
    assert a["sent"] > 0 and b["sent"] > 0  # both took part
    assert a["sent"] + b["sent"] == 5000
    assert fake.errors == []
    per_nudge = Counter(d.payload["nudge_id"] for d in fake.deliveries)
    assert len(per_nudge) == 5000 and set(per_nudge.values()) == {1}
    assert await Nudge.filter(status=NudgeStatus.SENT).count() == 5000
