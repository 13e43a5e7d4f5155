"""Routines: templates, copies for clients, what is due today and how closely it was followed.

Whether an item is done is derived from what the client recorded (a check-in, a practice
session, a screener); only tips and custom activities, which the app cannot see, are marked.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from tortoise.transactions import in_transaction

from wellness.content.catalog import Catalog
from wellness.db import fetch
from wellness.errors import NotFound, field_error
from wellness.models.accounts import Role, User
from wellness.models.checkins import CheckIn, PracticeSession, ScreenerResult
from wellness.models.links import Link
from wellness.models.routines import ItemKind, Routine, RoutineItem, RoutineMark
from wellness.services.reminders import EVERY_DAY, fire_instant, set_routine_reminder
from wellness.services.sessions import now
from wellness.validation import Strict

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TargetKinds = {ItemKind.MEDITATION, ItemKind.MEDITATION_TAG, ItemKind.TIP, ItemKind.SCREENER}
MARKABLE = {ItemKind.TIP, ItemKind.CUSTOM}


class ItemInput(Strict):
    kind: Literal["checkin", "meditation", "meditation_tag", "tip", "screener", "custom"]
    target: str | None = Field(default=None, max_length=80, pattern=SLUG)
    text: str | None = Field(default=None, min_length=1, max_length=200)
    days_of_week: list[int] | None = Field(default=None, min_length=1, max_length=7)
    times_per_week: int | None = Field(default=None, ge=1, le=7)
    local_time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ItemInput:
        if (self.days_of_week is None) == (self.times_per_week is None):
            raise ValueError("Give either days_of_week or times_per_week.")
        if self.days_of_week is not None and not all(1 <= d <= 7 for d in self.days_of_week):
            raise ValueError("days_of_week holds ISO weekdays, 1 (Monday) to 7 (Sunday).")
        kind = ItemKind(self.kind)
        if kind in TargetKinds and not self.target:
            raise ValueError(f"A {self.kind} item needs a target.")
        if kind == ItemKind.CUSTOM and not self.text:
            raise ValueError("A custom item needs its text.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date.")
        return self


class RoutineInput(Strict):
    name: str = Field(min_length=1, max_length=80)
    items: list[ItemInput] = Field(min_length=1, max_length=30)


def local_today(user: User, at: datetime | None = None) -> date:
    return (at or now()).astimezone(ZoneInfo(user.timezone)).date()


def reminder_days(item: RoutineItem) -> list[int]:
    """Reminder weekdays (0 = Monday) for an item's ISO weekdays (1 = Monday).

    An item done N times a week stays due every day until the week's N are done, so its
    reminder comes every day.
    """
    if not item.days_of_week:
        return list(EVERY_DAY)
    return sorted({d - 1 for d in item.days_of_week})


async def remind_timed_items(client: User, items: Sequence[RoutineItem]) -> None:
    """A reminder for each item with a local time, from its first day on.

    The reminder carries no label: its lock-screen words are the catalogue's discreet routine
    copy, never a custom activity's text.
    """
    tz = ZoneInfo(client.timezone)
    current = now()
    today = current.astimezone(tz).date()
    for item in items:
        if item.local_time is None or (item.end_date is not None and item.end_date < today):
            continue
        after = current
        try:
            if item.start_date > today:
                after = fire_instant(item.start_date, time(0), tz) - timedelta(microseconds=1)
            await set_routine_reminder(client.id, str(item.id), item.local_time,
                                       reminder_days(item), now=after)
        except OverflowError:
            continue  # a start near the end of the calendar: nothing to remind of


def check_targets(data: RoutineInput, catalog: Catalog | None) -> None:
    if catalog is None:
        return
    tags = {t for m in catalog.meditations for t in m.tags}
    for i, item in enumerate(data.items):
        kind, target = ItemKind(item.kind), item.target or ""
        unknown = (
            (kind == ItemKind.MEDITATION and catalog.meditation(target) is None)
            or (kind == ItemKind.MEDITATION_TAG and target not in tags)
            or (kind == ItemKind.TIP and catalog.tip(target) is None)
            or (kind == ItemKind.SCREENER and target not in catalog.instruments)
        )
        if unknown:
            raise field_error(f"items.{i}.target", f"There is no {item.kind} called {target}.")


async def create_routine(user: User, data: RoutineInput, catalog: Catalog | None) -> Routine:
    """A counselor makes a template for their library; a client makes a routine for themself."""
    check_targets(data, catalog)
    start = local_today(user)
    is_template = user.role != Role.CLIENT
    async with in_transaction():
        routine = await Routine.create(owner_id=user.id, name=data.name, is_template=is_template,
                                       client_id=None if is_template else user.id)
        await RoutineItem.bulk_create([
            RoutineItem(routine_id=routine.id, position=i, kind=ItemKind(item.kind),
                        target=item.target, text=item.text, days_of_week=item.days_of_week,
                        times_per_week=item.times_per_week, local_time=item.local_time,
                        start_date=item.start_date or start, end_date=item.end_date)
            for i, item in enumerate(data.items)
        ])
        routine = await Routine.get(id=routine.id).prefetch_related("items")
        if not is_template:
            await remind_timed_items(user, list(routine.items))
    return routine


async def owned_routines(user: User) -> list[Routine]:
    return await Routine.filter(owner_id=user.id).prefetch_related("items").order_by("created_at")


async def assign_template(counselor: User, client_id: uuid.UUID, template_id: uuid.UUID,
                          start: date | None) -> Routine:
    """Give a linked client their own copy of one of the counselor's templates."""
    link = await Link.get_or_none(counselor_id=counselor.id, client_id=client_id,
                                  ended_at=None).prefetch_related("client")
    if link is None:
        raise NotFound("There is no such client.")
    template = await Routine.get_or_none(id=template_id, owner_id=counselor.id,
                                         is_template=True).prefetch_related("items")
    if template is None:
        raise field_error("template_id", "There is no such template in your library.")
    first = start or local_today(link.client)
    async with in_transaction():
        copy = await Routine.create(owner_id=counselor.id, client_id=client_id,
                                    name=template.name, is_template=False,
                                    source_template_id=template.id)
        await RoutineItem.bulk_create([
            RoutineItem(routine_id=copy.id, position=item.position, kind=item.kind,
                        target=item.target, text=item.text, days_of_week=item.days_of_week,
                        times_per_week=item.times_per_week, local_time=item.local_time,
                        start_date=first,
                        end_date=None if item.end_date is None
                        else first + (item.end_date - item.start_date))
            for item in template.items
        ])
        copy = await Routine.get(id=copy.id).prefetch_related("items")
        await remind_timed_items(link.client, list(copy.items))
    return copy


async def mark_done(user: User, item_id: uuid.UUID, day: date | None) -> None:
    """Tick a tip read or a custom activity done; everything else the app sees by itself."""
    item = await RoutineItem.get_or_none(id=item_id, routine__client_id=user.id)
    if item is None:
        raise NotFound("There is no such routine item.")
    if item.kind not in MARKABLE:
        raise field_error("item", "This item is ticked by itself when you do it in the app.")
    today = local_today(user)
    day = day or today
    if day > today or day < today - timedelta(days=7):
        raise field_error("local_date", "Use today or one of the past seven days.")
    # Marking twice gives the same answer as marking once.
    await RoutineMark.bulk_create([RoutineMark(item_id=item.id, user_id=user.id, local_date=day)],
                                  ignore_conflicts=True)


# --- what was done --------------------------------------------------------------------------


@dataclass
class Activity:
    checkins: set[date] = field(default_factory=set)
    sessions: dict[date, set[str | None]] = field(default_factory=lambda: defaultdict(set))
    screeners: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))
    marks: set[tuple[str, date]] = field(default_factory=set)


async def load_activity(users: Sequence[User], since: date) -> dict[Any, Activity]:
    """Everything needed to tell done from pending, for any number of users in four queries."""
    out: dict[Any, Activity] = {u.id: Activity() for u in users}
    if not users:
        return out
    ids = list(out)
    zones = {u.id: ZoneInfo(u.timezone) for u in users}
    since_utc = datetime.combine(since - timedelta(days=1), time(), UTC)
    for uid, day in await CheckIn.filter(user_id__in=ids, local_date__gte=since).values_list(
            "user_id", "local_date"):
        out[uid].checkins.add(day)
    for uid, started, slug in await PracticeSession.filter(
            user_id__in=ids, started_at__gte=since_utc).values_list(
            "user_id", "started_at", "meditation_slug"):
        out[uid].sessions[started.astimezone(zones[uid]).date()].add(slug)
    for uid, taken, instrument in await ScreenerResult.filter(
            user_id__in=ids, taken_at__gte=since_utc).values_list(
            "user_id", "taken_at", "instrument"):
        out[uid].screeners[taken.astimezone(zones[uid]).date()].add(str(instrument))
    for uid, item_id, day in await RoutineMark.filter(
            user_id__in=ids, local_date__gte=since).values_list("user_id", "item_id", "local_date"):
        out[uid].marks.add((str(item_id), day))
    return out


def tag_index(catalog: Catalog | None) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for meditation in catalog.meditations if catalog else ():
        for tag in meditation.tags:
            index[tag].add(meditation.slug)
    return index


def done_on(item: RoutineItem, day: date, act: Activity, tags: Mapping[str, set[str]]) -> bool:
    kind = item.kind
    if kind == ItemKind.CHECKIN:
        return day in act.checkins
    if kind == ItemKind.MEDITATION:
        return item.target in act.sessions.get(day, set())
    if kind == ItemKind.MEDITATION_TAG:
        return bool(act.sessions.get(day, set()) & tags.get(item.target or "", set()))
    if kind == ItemKind.SCREENER:
        return (item.target or "") in act.screeners.get(day, set())
    return (str(item.id), day) in act.marks


def _active(item: RoutineItem, day: date) -> bool:
    return item.start_date <= day and (item.end_date is None or day <= item.end_date)


def due_on(item: RoutineItem, day: date, act: Activity, tags: Mapping[str, set[str]]) -> bool:
    if not _active(item, day):
        return False
    if item.days_of_week:
        return day.isoweekday() in item.days_of_week
    week_start = max(day - timedelta(days=day.weekday()), item.start_date)
    done_before = sum(
        done_on(item, week_start + timedelta(days=n), act, tags)
        for n in range((day - week_start).days)
    )
    return done_before < (item.times_per_week or 0)


def today_items(routines: Sequence[Routine], act: Activity, today: date,
                tags: Mapping[str, set[str]]) -> list[dict[str, Any]]:
    """Each item due today (done or pending), and each missed yesterday that is not due today."""
    yesterday = today - timedelta(days=1)
    out = []
    for routine in routines:
        for item in sorted(routine.items, key=lambda i: i.position):
            missed = due_on(item, yesterday, act, tags) and not done_on(item, yesterday, act,
                                                                         tags)
            if due_on(item, today, act, tags):
                state = "done" if done_on(item, today, act, tags) else "pending"
            elif missed:
                state = "missed_yesterday"
            else:
                continue
            out.append({**item_view(item), "routine_id": str(routine.id),
                        "routine_name": routine.name, "state": state,
                        "missed_yesterday": missed})
    out.sort(key=lambda i: (i["state"] == "done", i["local_time"] or "99:99"))
    return out


def item_adherence(item: RoutineItem, act: Activity, today: date, days: int,
                   tags: Mapping[str, set[str]]) -> tuple[int, int]:
    """(done, expected) over the last ``days`` days; today counts only once it is done."""
    window = [today - timedelta(days=n) for n in range(days)]
    if item.days_of_week:
        done = expected = 0
        for day in window:
            if not _active(item, day) or day.isoweekday() not in item.days_of_week:
                continue
            hit = done_on(item, day, act, tags)
            if day == today and not hit:
                continue
            expected += 1
            done += hit
        return done, expected
    active = [d for d in window if _active(item, d)
              and (d != today or done_on(item, d, act, tags))]
    expected = round((item.times_per_week or 0) * len(active) / 7)
    hits = sum(done_on(item, d, act, tags) for d in active)
    return min(hits, expected), expected


def ratio(done: int, expected: int) -> float | None:
    return round(done / expected, 2) if expected else None


def routine_adherence(routine: Routine, act: Activity, today: date,
                      tags: Mapping[str, set[str]], days: int) -> tuple[int, int]:
    done = expected = 0
    for item in routine.items:
        d, e = item_adherence(item, act, today, days, tags)
        done, expected = done + d, expected + e
    return done, expected


def item_view(item: RoutineItem) -> dict[str, Any]:
    return {
        "id": str(item.id), "kind": item.kind.value, "target": item.target, "text": item.text,
        "days_of_week": item.days_of_week, "times_per_week": item.times_per_week,
        "local_time": item.local_time, "start_date": item.start_date.isoformat(),
        "end_date": item.end_date.isoformat() if item.end_date else None,
    }


def routine_view(routine: Routine) -> dict[str, Any]:
    def ref(name: str) -> str | None:
        value = getattr(routine, name)
        return str(value) if value else None

    return {
        "id": str(routine.id), "name": routine.name, "is_template": routine.is_template,
        "owner_id": ref("owner_id"), "client_id": ref("client_id"),
        "source_template_id": ref("source_template_id"),
        "created_at": routine.created_at.isoformat(),
        "items": [item_view(i) for i in sorted(routine.items, key=lambda i: i.position)],
    }


async def client_routines(client_ids: Sequence[Any]) -> dict[Any, list[Routine]]:
    """Routines followed by each of the clients, in two queries however many there are."""
    out: dict[Any, list[Routine]] = defaultdict(list)
    if not client_ids:
        return out
    for routine in await Routine.filter(client_id__in=list(client_ids)).prefetch_related(
            "items").order_by("created_at"):
        out[routine.client_id].append(routine)  # type: ignore[attr-defined]
    return out


async def my_routines(user: User, catalog: Catalog | None) -> list[dict[str, Any]]:
    """The client's routines with today's items and adherence per item and routine (7/30 days)."""
    today = local_today(user)
    routines = (await client_routines([user.id])).get(user.id, [])
    act = (await load_activity([user], today - timedelta(days=37)))[user.id]
    tags = tag_index(catalog)
    states = {i["id"]: i["state"] for i in today_items(routines, act, today, tags)}
    out = []
    for routine in routines:
        view = routine_view(routine)
        for item_data, item in zip(view["items"],
                                   sorted(routine.items, key=lambda i: i.position), strict=True):
            item_data["today"] = states.get(item_data["id"])
            item_data["adherence_7d"] = ratio(*item_adherence(item, act, today, 7, tags))
            item_data["adherence_30d"] = ratio(*item_adherence(item, act, today, 30, tags))
        view["adherence_7d"] = ratio(*routine_adherence(routine, act, today, tags, 7))
        view["adherence_30d"] = ratio(*routine_adherence(routine, act, today, tags, 30))
        out.append(view)
    return out


async def routines_for_today(user: User, catalog: Catalog | None,
                             today: date | None = None) -> list[dict[str, Any]]:
    """The ``routines`` part of ``GET /today``: each due item and its state."""
    today = today or local_today(user)
    # Most clients follow no routine: a written-out existence check spares them the ORM.
    if not await fetch("SELECT 1 FROM routines WHERE client_id = ? LIMIT 1", user.id):
        return []
    routines = (await client_routines([user.id])).get(user.id, [])
    act = (await load_activity([user], today - timedelta(days=8)))[user.id]
    return today_items(routines, act, today, tag_index(catalog))
