"""The nudge outbox: the planner turns due reminders into rows, the dispatcher sends them.

Any number of app instances may run both ticks at once; the database coordinates them. The
planner's dedupe key makes a second planner's rows no-ops, and the dispatcher's lease makes a
second dispatcher skip rows another one holds. A lease that runs out (its worker died) is taken
again. Every row ends ``sent``, ``skipped``, ``expired`` or ``failed``; none is dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from wellness.content.catalog import Catalog
from wellness.crypto import b64url
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn, PracticeSession
from wellness.models.nudges import (
    NOTICE_KIND,
    Nudge,
    NudgeStatus,
    PushSubscription,
    Reminder,
    ReminderKind,
)
from wellness.models.routines import RoutineItem
from wellness.push import Outcome, PushMessage, PushResult, PushSender
from wellness.services.alerts import claim_alert_pushes
from wellness.services.reminders import fire_instant, in_quiet_hours, local_minutes, schedule
from wellness.services.routines import done_on, due_on, load_activity, tag_index

EASE_AFTER = 5  # ignored nudges in a row before a reminder eases to every other time
WINDOW = timedelta(hours=4)  # how long a nudge stays worth sending
MIN_WINDOW = timedelta(hours=1)
MAX_ATTEMPTS = 5
BACKOFF_BASE = 30.0  # seconds; doubles each attempt, with jitter
BACKOFF_MAX = 3600.0
CLAIMABLE = (NudgeStatus.PENDING, NudgeStatus.LEASED)

ALERT_KIND = "alert_counselor"
URLS = {
    ReminderKind.CHECKIN.value: "/#/checkin",
    ReminderKind.MEDITATION.value: "/#/meditations",
    ReminderKind.ROUTINE.value: "/#/today",
    ReminderKind.CUSTOM.value: "/#/today",
    ALERT_KIND: "/#/alerts",
    NOTICE_KIND: "/#/reminders",
}
NOTICE_TITLE = "Fewer reminders for now"
NOTICE_BODY = ("The last few reminders went unopened, so this one now comes every other time. "
               "Open any reminder to go back to the usual rhythm.")


def dedupe_key(user_id: Any, reminder_id: int, local_date: date) -> str:
    return f"{user_id}:{reminder_id}:{local_date.isoformat()}"


def render(catalog: Catalog, kind: str, local_date: date, salt: int) -> tuple[str, str]:
    """Discreet copy that changes from one day to the next."""
    variants = catalog.nudge_copy[kind]
    copy = variants[(local_date.toordinal() + salt) % len(variants)]
    return copy.title, copy.body


def topic_for(secret_key: str, user_id: Any, kind: str) -> str:
    """Per user and kind, 32 URL-safe characters that reveal neither."""
    digest = hmac.new(secret_key.encode(), f"push-topic:{user_id}:{kind}".encode(),
                      hashlib.sha256).digest()
    return b64url(digest[:24])


def _is_postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


# --- planner -----------------------------------------------------------------------------------


async def _did_the_thing(reminder: Reminder, tz: ZoneInfo) -> bool:
    """Engagement since the last nudge: the check-in or a practice session was done."""
    since = reminder.last_local_date
    if since is None:
        return False
    if reminder.kind == ReminderKind.CHECKIN:
        return await CheckIn.filter(user_id=reminder.user_id, local_date__gte=since).exists()
    if reminder.kind == ReminderKind.MEDITATION:
        return await PracticeSession.filter(
            user_id=reminder.user_id, started_at__gte=fire_instant(since, time(0), tz)
        ).exists()
    return False


def _expiry(fire: datetime, local_date: date, tz: ZoneInfo) -> datetime:
    end_of_day = fire_instant(local_date + timedelta(days=1), time(0), tz)
    return max(min(fire + WINDOW, end_of_day), fire + MIN_WINDOW)


async def plan_due_reminders(catalog: Catalog, now: datetime, limit: int = 1000) -> int:
    """Turn reminders due by ``now`` into outbox rows and move each to its next fire time.

    Reads only due reminders through the index on ``next_fire_at``: the cost follows the
    number due, not the number of users. Returns how many reminders it advanced.
    """
    due = await (Reminder.filter(next_fire_at__lte=now).select_related("user")
                 .order_by("next_fire_at").limit(limit))
    if not due:
        return 0
    ends = await _routine_item_ends(due)
    rows: list[Nudge] = []
    advances: list[tuple[Reminder, datetime, dict[str, Any]]] = []
    finished: list[int] = []
    for reminder in due:
        user: User = reminder.user
        tz = ZoneInfo(user.timezone)
        fire = reminder.next_fire_at
        assert fire is not None  # the filter chose due rows
        local_date = fire.astimezone(tz).date()
        if reminder.routine_item_id is not None:
            end = ends.get(reminder.routine_item_id, date.min)  # min: the item is gone
            if end is not None and local_date > end:
                finished.append(reminder.id)
                continue
        changes: dict[str, Any] = {"last_local_date": local_date}
        if reminder.consecutive_ignored and await _did_the_thing(reminder, tz):
            reminder.consecutive_ignored, reminder.eased = 0, False
            changes.update(consecutive_ignored=0, eased=False)
        if reminder.consecutive_ignored >= EASE_AFTER and not reminder.eased:
            # Instead of this nudge: a note in the app, and every other time from now on.
            reminder.eased = True
            changes["eased"] = True
            rows.append(Nudge(
                user_id=user.id, reminder_id=reminder.id, kind=NOTICE_KIND,
                dedupe_key=f"notice:{dedupe_key(user.id, reminder.id, local_date)}",
                local_date=local_date, due_at=fire, expires_at=fire, next_attempt_at=fire,
                status=NudgeStatus.SENT, in_app_only=True, sent_at=now,
                title=NOTICE_TITLE, body=NOTICE_BODY,
            ))
        else:
            title, body = render(catalog, reminder.kind.value, local_date, reminder.id)
            quiet = in_quiet_hours(local_minutes(fire, tz), user.quiet_start, user.quiet_end)
            rows.append(Nudge(
                user_id=user.id, reminder_id=reminder.id, kind=reminder.kind.value,
                dedupe_key=dedupe_key(user.id, reminder.id, local_date),
                local_date=local_date, due_at=fire, expires_at=_expiry(fire, local_date, tz),
                next_attempt_at=fire, in_app_only=quiet, title=title, body=body,
                label=reminder.label if reminder.kind == ReminderKind.CUSTOM else None,
            ))
        changes["next_fire_at"] = schedule(reminder, tz, max(fire, now))
        advances.append((reminder, fire, changes))
    async with in_transaction():
        await Nudge.bulk_create(rows, ignore_conflicts=True)
        for reminder, fire, changes in advances:
            # Conditional, so a second planner that read the same rows changes nothing.
            await Reminder.filter(id=reminder.id, next_fire_at=fire).update(**changes)
        if finished:
            await Reminder.filter(id__in=finished).delete()
    return len(advances) + len(finished)


async def _routine_item_ends(due: Sequence[Reminder]) -> dict[str, date | None]:
    """The last day of each due reminder's routine item (None: open-ended); gone ones absent."""
    ids = {r.routine_item_id for r in due if r.routine_item_id is not None}
    if not ids:
        return {}
    found = await RoutineItem.filter(id__in=list(ids)).values_list("id", "end_date")
    return {str(item_id): end for item_id, end in found}


async def plan_alert_nudges(catalog: Catalog, now: datetime, window: timedelta,
                            limit: int = 100) -> int:
    """Outbox rows for counselor alerts owed a push (new, or raised again while open).

    Pushed whatever the quiet hours: an open alert is raised again until someone acknowledges
    it, and each raise is one more row. The text is the discreet alert copy; details stay in
    the app behind sign-in.
    """
    rows = []
    for alert in await claim_alert_pushes(now, limit):
        counselor: User = alert.counselor
        local_date = now.astimezone(ZoneInfo(counselor.timezone)).date()
        title, body = render(catalog, ALERT_KIND, local_date, alert.notify_count)
        rows.append(Nudge(
            user_id=counselor.id, kind=ALERT_KIND,
            dedupe_key=f"alert:{alert.id}:{alert.notify_count}", local_date=local_date,
            due_at=now, expires_at=now + window, next_attempt_at=now, title=title, body=body,
        ))
    if rows:
        await Nudge.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- dispatcher --------------------------------------------------------------------------------


async def claim_due_nudges(worker_id: str, now: datetime, limit: int = 500,
                           lease_seconds: int = 120) -> list[Nudge]:
    """Lease up to ``limit`` due rows for this worker; rows whose lease ran out count as due."""
    token = f"{worker_id[:48]}/{secrets.token_hex(6)}"
    until = now + timedelta(seconds=lease_seconds)
    due = Nudge.filter(status__in=CLAIMABLE, next_attempt_at__lte=now)
    lease = {"status": NudgeStatus.LEASED, "leased_by": token, "lease_until": until,
             "next_attempt_at": until, "attempts": F("attempts") + 1}
    if _is_postgres():
        async with in_transaction():
            locked = await (due.order_by("next_attempt_at").limit(limit)
                            .select_for_update(skip_locked=True).only("id"))
            ids = [row.id for row in locked]
            if ids:
                await Nudge.filter(id__in=ids).update(**lease)
    else:
        # SQLite has one writer at a time: the conditional UPDATE is the claim.
        ids = list(await due.order_by("next_attempt_at").limit(limit)
                   .values_list("id", flat=True))
        if ids:
            await Nudge.filter(id__in=ids, status__in=CLAIMABLE,
                               next_attempt_at__lte=now).update(**lease)
    if not ids:
        return []
    return list(await Nudge.filter(id__in=ids, leased_by=token).select_related("user"))


async def _routine_items_met(nudges: Sequence[Nudge], catalog: Catalog | None) -> set[int]:
    """Routine nudges whose item was already done that day, or is not due (N a week met)."""
    routine = [n for n in nudges if n.kind == ReminderKind.ROUTINE and n.reminder_id]
    if not routine:
        return set()
    item_of = dict(await Reminder.filter(id__in={n.reminder_id for n in routine})
                   .values_list("id", "routine_item_id"))
    items = {str(i.id): i for i in await RoutineItem.filter(
        id__in={v for v in item_of.values() if v})}
    users = {n.user_id: n.user for n in routine}
    activity = await load_activity(list(users.values()), min(n.local_date for n in routine)
                                   - timedelta(days=7))
    tags = tag_index(catalog)
    met: set[int] = set()
    for n in routine:
        item = items.get(item_of.get(n.reminder_id) or "")
        act = activity[n.user_id]
        if item and (done_on(item, n.local_date, act, tags)
                     or not due_on(item, n.local_date, act, tags)):
            met.add(n.id)
    return met


async def _already_done(nudges: Sequence[Nudge], catalog: Catalog | None = None) -> set[int]:
    """Nudges whose point was already met that local day (checked in, practised, item done)."""
    done: set[int] = await _routine_items_met(nudges, catalog)
    checkins = [n for n in nudges if n.kind == ReminderKind.CHECKIN]
    if checkins:
        found = set(await CheckIn.filter(
            user_id__in={n.user_id for n in checkins},
            local_date__in={n.local_date for n in checkins},
        ).values_list("user_id", "local_date"))
        done |= {n.id for n in checkins if (n.user_id, n.local_date) in found}
    practice = [n for n in nudges if n.kind == ReminderKind.MEDITATION]
    if practice:
        starts = {n.id: fire_instant(n.local_date, time(0), ZoneInfo(n.user.timezone))
                  for n in practice}
        sessions = await PracticeSession.filter(
            user_id__in={n.user_id for n in practice}, started_at__gte=min(starts.values()),
        ).values_list("user_id", "started_at")
        by_user: dict[Any, list[datetime]] = defaultdict(list)
        for user_id, started_at in sessions:
            by_user[user_id].append(started_at)
        for n in practice:
            end = starts[n.id] + timedelta(days=1, hours=1)
            if any(starts[n.id] <= s < end for s in by_user.get(n.user_id, ())):
                done.add(n.id)
    return done


def payload(nudge: Nudge, topic: str) -> bytes:
    title, body = nudge.title, nudge.body
    if nudge.label and not nudge.user.discreet_notifications:
        title = nudge.label
    data = {"title": title, "body": body, "url": URLS.get(nudge.kind, "/#/today"),
            "nudge_id": nudge.id, "tag": topic}
    return json.dumps(data, separators=(",", ":")).encode()


def backoff(attempts: int) -> float:
    delay = min(BACKOFF_BASE * 2.0 ** max(0, attempts - 1), BACKOFF_MAX)
    return delay * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not a secret


@dataclass
class _Final:
    status: NudgeStatus
    devices: int = 0
    error: str | None = None


async def dispatch_due_nudges(sender: PushSender, secret_key: str, worker_id: str,
                              now: datetime, limit: int = 500,
                              lease_seconds: int = 120,
                              catalog: Catalog | None = None) -> Counter[str]:
    """One dispatcher pass: claim, re-check, send, record. Returns a count per outcome."""
    claimed = await claim_due_nudges(worker_id, now, limit, lease_seconds)
    if not claimed:
        return Counter()
    done = await _already_done(claimed, catalog)
    final: dict[int, _Final] = {}
    to_push: list[Nudge] = []
    for n in claimed:
        if n.attempts > MAX_ATTEMPTS:  # earlier workers died holding it: stop trying
            final[n.id] = _Final(NudgeStatus.FAILED, 0, "dispatcher did not finish")
        elif now >= n.expires_at:
            final[n.id] = _Final(NudgeStatus.EXPIRED)
        elif n.id in done:
            final[n.id] = _Final(NudgeStatus.SKIPPED)
        elif n.in_app_only:
            final[n.id] = _Final(NudgeStatus.SENT)
        else:
            to_push.append(n)
    subs: dict[Any, list[PushSubscription]] = defaultdict(list)
    if to_push:
        for sub in await PushSubscription.filter(user_id__in={n.user_id for n in to_push}):
            subs[sub.user_id].append(sub)
    jobs: list[tuple[Nudge, PushSubscription]] = []
    for n in to_push:
        if subs.get(n.user_id):
            jobs.extend((n, sub) for sub in subs[n.user_id])
        else:
            final[n.id] = _Final(NudgeStatus.SENT)  # the inbox is the only channel
    results = await sender.send_many([
        PushMessage(sub.endpoint, sub.p256dh, sub.auth,
                    payload(n, topic := topic_for(secret_key, n.user_id, n.kind)),
                    ttl=int((n.expires_at - now).total_seconds()), topic=topic,
                    urgency="high" if n.kind == ALERT_KIND else "normal")
        for n, sub in jobs])
    by_nudge: dict[int, list[PushResult]] = defaultdict(list)
    gone: list[int] = []
    reached: list[int] = []
    for (n, sub), result in zip(jobs, results, strict=True):
        by_nudge[n.id].append(result)
        if result.outcome == Outcome.GONE:
            gone.append(sub.id)
        elif result.outcome == Outcome.SENT:
            reached.append(sub.id)
    retries: dict[int, tuple[datetime, str]] = {}
    for n in to_push:
        outcomes = by_nudge.get(n.id)
        if not outcomes:
            continue
        sent = sum(r.outcome == Outcome.SENT for r in outcomes)
        retry = [r for r in outcomes if r.outcome == Outcome.RETRY]
        if sent:
            final[n.id] = _Final(NudgeStatus.SENT, sent)
        elif retry:
            asked = [r.retry_after for r in retry if r.retry_after is not None]
            wait = max(asked) if asked else backoff(n.attempts)
            error = retry[0].error or "push service unavailable"
            at = now + timedelta(seconds=wait)
            if n.attempts >= MAX_ATTEMPTS or at >= n.expires_at:
                final[n.id] = _Final(NudgeStatus.FAILED, 0, error)
            else:
                retries[n.id] = (at, error)
        elif all(r.outcome == Outcome.GONE for r in outcomes):
            final[n.id] = _Final(NudgeStatus.SENT)  # every device unsubscribed: inbox only
        else:
            final[n.id] = _Final(NudgeStatus.FAILED, 0,
                                 next(r.error for r in outcomes if r.error) or "refused")
    await _record(claimed, final, retries, gone, reached, now)
    counts: Counter[str] = Counter(f.status.value for f in final.values())
    if retries:
        counts["retry"] += len(retries)
    return counts


async def _record(claimed: Sequence[Nudge], final: dict[int, _Final],
                  retries: dict[int, tuple[datetime, str]], gone: Iterable[int],
                  reached: Iterable[int], now: datetime) -> None:
    token = claimed[0].leased_by
    groups: dict[tuple[NudgeStatus, int, str | None], list[int]] = defaultdict(list)
    for nudge_id, f in final.items():
        groups[(f.status, f.devices, f.error)].append(nudge_id)
    ignored = [n.reminder_id for n in claimed if n.reminder_id is not None
               and final.get(n.id, _Final(NudgeStatus.PENDING)).status == NudgeStatus.SENT]
    async with in_transaction():
        for (status, devices, error), ids in groups.items():
            changes: dict[str, Any] = {"status": status, "devices": devices,
                                       "last_error": error, "lease_until": None}
            if status == NudgeStatus.SENT:
                changes["sent_at"] = now
            # Guarded by the lease: a worker whose lease ran out records nothing.
            await Nudge.filter(id__in=ids, leased_by=token,
                               status=NudgeStatus.LEASED).update(**changes)
        for nudge_id, (at, error) in retries.items():
            await Nudge.filter(id=nudge_id, leased_by=token, status=NudgeStatus.LEASED).update(
                status=NudgeStatus.PENDING, next_attempt_at=at, lease_until=None,
                last_error=error)
        if gone:
            await PushSubscription.filter(id__in=set(gone)).delete()
        if reached:
            await PushSubscription.filter(id__in=set(reached)).update(last_success_at=now)
        if ignored:
            # Counted as ignored until opened (or done): the planner eases after EASE_AFTER.
            await Reminder.filter(id__in=ignored).update(
                consecutive_ignored=F("consecutive_ignored") + 1)


def utcnow() -> datetime:
    return datetime.now(UTC)
