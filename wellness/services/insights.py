"""What clients learn from their own entries: averages, series, streaks and careful patterns."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wellness.db import as_date, fetch
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn, PracticeSession
from wellness.services.checkins import local_today

PERIODS = (7, 30, 90)
CONSISTENCY_DAYS = 30
MIN_PAIRS = 14
MIN_STRENGTH = 0.3
METRICS = ("mood", "craving", "sleep_hours", "stress")
# A session just after midnight counts for the day people mean: the day before.
DAY_ROLLOVER = timedelta(hours=3)


async def checkin_dates(user: User, until: date) -> list[date]:
    """The user's check-in dates up to a day, newest first (enough for any streak we show)."""
    rows = await fetch("SELECT local_date FROM checkins WHERE user_id = ? AND local_date <= ? "
                       "ORDER BY local_date DESC LIMIT 1000", user.id, until)
    return [as_date(row["local_date"]) for row in rows]


def streak(dates: Iterable[date], today: date) -> int:
    """Days in a row with a check-in, ending today (or yesterday while today is still open)."""
    have = set(dates)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


def consistency(dates: Iterable[date], today: date) -> dict[str, Any]:
    """Days with a check-in among the last 30: one missed day costs 1/30, not everything."""
    start = today - timedelta(days=CONSISTENCY_DAYS - 1)
    count = len({d for d in dates if start <= d <= today})
    return {"days": count, "of": CONSISTENCY_DAYS, "score": round(count / CONSISTENCY_DAYS, 3)}


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def practice_day(started_at: datetime, zone: ZoneInfo) -> date:
    return (started_at.astimezone(zone) - DAY_ROLLOVER).date()


def _strength(r: float) -> str:
    return "clear" if abs(r) >= 0.5 else "modest"


def _sleep_craving_text(r: float, pairs: int) -> str:
    direction = "lower" if r < 0 else "higher"
    return (f"After nights you slept longer, your cravings the next day tended to be {direction}. "
            f"This is a {_strength(r)} pattern across {pairs} pairs of days in your own "
            "check-ins; it does not show that one causes the other.")


def _practice_mood_text(r: float, pairs: int) -> str:
    direction = "higher" if r > 0 else "lower"
    return (f"On days you practised, your mood tended to be {direction} than on days you did "
            f"not. This is a {_strength(r)} pattern across {pairs} days in your own check-ins; "
            "it does not show that one causes the other.")


def _correlation(key: str, xs: list[float], ys: list[float]) -> dict[str, Any] | None:
    if len(xs) < MIN_PAIRS:
        return None
    r = pearson(xs, ys)
    if r is None or abs(r) < MIN_STRENGTH:
        return None
    text = _sleep_craving_text if key == "sleep_next_day_craving" else _practice_mood_text
    return {"id": key, "r": round(r, 2), "pairs": len(xs), "text": text(r, len(xs))}


async def insights(user: User, days: int, today: date | None = None) -> dict[str, Any]:
    zone = ZoneInfo(user.timezone)
    today = today or local_today(user.timezone)
    start = today - timedelta(days=days - 1)
    all_dates = await checkin_dates(user, today)
    rows = await CheckIn.filter(
        user_id=user.id, local_date__gte=start, local_date__lte=today
    ).values("local_date", *METRICS)
    by_day: dict[date, dict[str, Any]] = {row["local_date"]: row for row in rows}
    since = datetime.combine(start, time(0), zone).astimezone(UTC)
    sessions = await PracticeSession.filter(user_id=user.id, started_at__gte=since).values(
        "started_at", "actual_seconds")
    minutes_by_day: dict[date, float] = {}
    for s in sessions:
        day = practice_day(s["started_at"], zone)
        if start <= day <= today:
            minutes_by_day[day] = minutes_by_day.get(day, 0.0) + s["actual_seconds"] / 60

    window = [start + timedelta(days=i) for i in range(days)]
    series = [{"date": d.isoformat(), **{m: by_day.get(d, {}).get(m) for m in METRICS}}
              for d in window]
    averages: dict[str, float | None] = {}
    for metric in METRICS:
        values = [row[metric] for row in rows if row[metric] is not None]
        averages[metric] = round(sum(values) / len(values), 2) if values else None

    weeks: dict[date, float] = {}
    for d in window:
        week = d - timedelta(days=d.weekday())
        weeks[week] = weeks.get(week, 0.0) + minutes_by_day.get(d, 0.0)

    sleep_x: list[float] = []
    craving_y: list[float] = []
    practised_x: list[float] = []
    mood_y: list[float] = []
    for d in window:
        row, nxt = by_day.get(d), by_day.get(d + timedelta(days=1))
        if row and nxt and row["sleep_hours"] is not None and nxt["craving"] is not None \
                and d + timedelta(days=1) <= today:
            sleep_x.append(float(row["sleep_hours"]))
            craving_y.append(float(nxt["craving"]))
        if row and row["mood"] is not None:
            practised_x.append(1.0 if minutes_by_day.get(d) else 0.0)
            mood_y.append(float(row["mood"]))
    correlations = [c for c in (
        _correlation("sleep_next_day_craving", sleep_x, craving_y),
        _correlation("practice_day_mood", practised_x, mood_y),
    ) if c is not None]

    result: dict[str, Any] = {
        "days": days,
        "from": start.isoformat(),
        "to": today.isoformat(),
        "checkin_days": len(rows),
        "averages": averages,
        "series": series,
        "practice_minutes_per_week": [
            {"week_start": w.isoformat(), "minutes": round(m, 1)} for w, m in weeks.items()
        ],
        "consistency": consistency(all_dates, today),
        "correlations": correlations,
    }
    if not user.hide_streaks:
        result["streak"] = streak(all_dates, today)
    return result
