"""Reminders: the list a client keeps, and when each one fires next in the client's zone."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from wellness.errors import field_error
from wellness.models.accounts import User
from wellness.models.nudges import Reminder, ReminderKind

MAX_REMINDERS = 20
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def fire_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """When ``at`` on local ``day`` happens, in UTC.

    A repeated local time (clocks going back) is taken at its first occurrence; a local time
    that does not exist (clocks going forward) moves to the next minute that does.
    """
    naive = datetime.combine(day, at)
    for step in range(24 * 60):
        candidate = naive + timedelta(minutes=step)
        aware = candidate.replace(tzinfo=tz, fold=0)
        utc = aware.astimezone(UTC)
        if utc.astimezone(tz).replace(tzinfo=None) == candidate:
            return utc
    raise ValueError(f"no valid local time on {day} in {tz.key}")  # a whole day skipped


def next_fire(local_time: str, days: Collection[int], tz: ZoneInfo, after: datetime,
              skip: int = 0) -> datetime | None:
    """The first fire strictly after ``after`` on a scheduled local day, passing ``skip`` fires."""
    if not days:
        return None
    at = parse_hhmm(local_time)
    day = after.astimezone(tz).date() - timedelta(days=1)
    for _ in range(8 * (skip + 1) + 2):
        if day.weekday() in days:
            try:
                fire = fire_instant(day, at, tz)
            except ValueError:
                fire = None
            if fire is not None and fire > after:
                if skip == 0:
                    return fire
                skip -= 1
        day += timedelta(days=1)
    return None


def local_minutes(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.hour * 60 + local.minute


def in_quiet_hours(minute_of_day: int, quiet_start: str, quiet_end: str) -> bool:
    start, end = parse_hhmm(quiet_start), parse_hhmm(quiet_end)
    lo, hi = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    if lo == hi:
        return False
    if lo < hi:
        return lo <= minute_of_day < hi
    return minute_of_day >= lo or minute_of_day < hi


def schedule(reminder: Reminder, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The reminder's next fire after ``after``; an eased reminder passes every other one."""
    if not reminder.enabled:
        return None
    return next_fire(reminder.local_time, set(reminder.days_of_week), tz, after,
                     skip=1 if reminder.eased else 0)


def view(reminder: Reminder, user: User) -> dict[str, Any]:
    return {
        "id": reminder.id,
        "kind": reminder.kind.value,
        "label": reminder.label,
        "local_time": reminder.local_time,
        "days_of_week": list(reminder.days_of_week),
        "enabled": reminder.enabled,
        "next_fire_at": reminder.next_fire_at.isoformat() if reminder.next_fire_at else None,
        "eased": reminder.eased,
        "in_quiet_hours": in_quiet_hours(
            parse_hhmm(reminder.local_time).hour * 60 + parse_hhmm(reminder.local_time).minute,
            user.quiet_start, user.quiet_end),
        "routine_item_id": reminder.routine_item_id,
    }


async def list_reminders(user: User) -> list[dict[str, Any]]:
    rows = await Reminder.filter(user_id=user.id).order_by("local_time", "id")
    return [view(r, user) for r in rows]


@dataclass(frozen=True)
class ReminderInput:
    kind: ReminderKind
    local_time: str
    days_of_week: Sequence[int]
    enabled: bool = True
    label: str | None = None
    id: int | None = None


async def replace_reminders(user: User, items: Sequence[ReminderInput],
                            now: datetime) -> list[dict[str, Any]]:
    """Make the user's reminders match ``items``; ids keep their state, routine ones stay."""
    if len(items) > MAX_REMINDERS:
        raise field_error("reminders", f"At most {MAX_REMINDERS} reminders.")
    tz = ZoneInfo(user.timezone)
    async with in_transaction():
        existing = {r.id: r for r in await Reminder.filter(user_id=user.id)}
        keep: set[int] = set()
        for index, item in enumerate(items):
            where = f"reminders.{index}"
            if item.id is not None:
                found = existing.get(item.id)
                if found is None:
                    raise field_error(f"{where}.id", "No such reminder.")
                if found.kind != item.kind:
                    raise field_error(f"{where}.kind", "A reminder's kind cannot change.")
                reminder = found
                keep.add(item.id)
            elif item.kind == ReminderKind.ROUTINE:
                raise field_error(f"{where}.kind", "Routine reminders come from routines.")
            else:
                reminder = Reminder(user_id=user.id, kind=item.kind)
            changed_schedule = (reminder.local_time != item.local_time
                                or list(reminder.days_of_week or []) != list(item.days_of_week))
            reminder.local_time = item.local_time
            reminder.days_of_week = sorted(set(item.days_of_week))
            reminder.enabled = item.enabled
            reminder.label = item.label if item.kind == ReminderKind.CUSTOM else None
            if changed_schedule:
                reminder.eased = False
                reminder.consecutive_ignored = 0
            reminder.next_fire_at = schedule(reminder, tz, now)
            await reminder.save()
        gone = [rid for rid, r in existing.items()
                if rid not in keep and r.routine_item_id is None]
        if gone:
            await Reminder.filter(id__in=gone).delete()
    return await list_reminders(user)


async def reschedule_user(user: User, now: datetime) -> None:
    """Recompute future fire times, e.g. after the user changed time zone."""
    tz = ZoneInfo(user.timezone)
    for reminder in await Reminder.filter(user_id=user.id, enabled=True):
        fire = schedule(reminder, tz, now)
        await Reminder.filter(id=reminder.id).update(next_fire_at=fire)


async def set_routine_reminder(user_id: Any, routine_item_id: str, local_time: str,
                               days_of_week: Sequence[int] = EVERY_DAY,
                               now: datetime | None = None) -> Reminder:
    """Create or move the reminder of a timed routine item (for the routines service)."""
    user = await User.get(id=user_id)
    reminder = await Reminder.get_or_none(user_id=user_id, routine_item_id=routine_item_id)
    if reminder is None:
        reminder = Reminder(user_id=user_id, kind=ReminderKind.ROUTINE,
                            routine_item_id=routine_item_id)
    reminder.local_time = local_time
    reminder.days_of_week = sorted(set(days_of_week))
    reminder.enabled = True
    reminder.next_fire_at = schedule(reminder, ZoneInfo(user.timezone), now or datetime.now(UTC))
    await reminder.save()
    return reminder
