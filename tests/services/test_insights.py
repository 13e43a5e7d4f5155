"""Insights on a synthetic 90-day history whose answers are known in advance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.applications import Starlette

from tests.conftest import PASSWORD
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn, PracticeSession
from wellness.services import accounts
from wellness.services.checkins import local_today
from wellness.services.insights import consistency, insights, pearson, streak

ZONE = "America/Chicago"
MISSED = (10, 40)  # days ago with no check-in


async def make_history(name: str, patterned: bool) -> tuple[User, dict[date, dict[str, Any]]]:
    """90 days ending today. Patterned: sleep predicts the next day's craving exactly
    (craving = 14 - sleep) and practice days have mood 4, others 3. Unpatterned: no link."""
    user = await accounts.create_user(username=name, password=PASSWORD, display_name=name,
                                      timezone=ZONE)
    today = local_today(ZONE)
    rows: dict[date, dict[str, Any]] = {}
    for ago in range(89, -1, -1):
        day = today - timedelta(days=ago)
        if ago in MISSED:
            continue
        i = day.toordinal()
        if patterned:
            sleep = 6.0 + (i % 3)
            craving = int(14 - (6.0 + ((i - 1) % 3)))  # from the previous night's sleep
            practised = i % 2 == 0
            mood = 4 if practised else 3
        else:
            sleep = 6.0 if i % 2 == 0 else 8.0
            craving = 2 if (i // 2) % 2 == 0 else 5
            practised = True
            mood = 3 + (i // 2) % 2
        rows[day] = {"sleep_hours": sleep, "craving": craving, "mood": mood, "stress": i % 5,
                     "practised": practised}
        await CheckIn.create(user=user, local_date=day, sleep_hours=sleep, craving=craving,
                             mood=mood, stress=i % 5, client_updated_at=datetime.now(UTC))
        if practised:
            at = datetime.combine(day, time(0, 30), ZoneInfo(ZONE))  # just after midnight
            await PracticeSession.create(user=user, started_at=at + timedelta(days=1),
                                         actual_seconds=600, completed=True)
    return user, rows


def mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2)


async def test_known_answers_on_a_patterned_history(app: Starlette) -> None:
    user, rows = await make_history("patterned", patterned=True)
    today = local_today(ZONE)
    result = await insights(user, 90)
    assert result["streak"] == 10
    assert result["consistency"] == {"days": 29, "of": 30, "score": round(29 / 30, 3)}
    assert result["checkin_days"] == 88
    assert len(result["series"]) == 90 and result["series"][-1]["date"] == today.isoformat()
    missed = today - timedelta(days=10)
    assert next(s for s in result["series"] if s["date"] == missed.isoformat())["mood"] is None
    for metric in ("mood", "craving", "sleep_hours", "stress"):
        assert result["averages"][metric] == mean([r[metric] for r in rows.values()])
    # Sessions at 00:30 count for the day before, the day people mean.
    minutes = sum(w["minutes"] for w in result["practice_minutes_per_week"])
    assert minutes == 10 * sum(1 for r in rows.values() if r["practised"])
    assert len(result["practice_minutes_per_week"]) in (13, 14)
    shown = {c["id"]: c for c in result["correlations"]}
    assert shown["sleep_next_day_craving"]["r"] == -1.0
    assert "lower" in shown["sleep_next_day_craving"]["text"]
    assert shown["practice_day_mood"]["r"] == 1.0
    assert "higher" in shown["practice_day_mood"]["text"]
    for c in shown.values():
        assert c["pairs"] >= 14
        assert "cause" in c["text"]
        assert not any(word in c["text"].lower() for word in ("should", "try ", "must"))

    week = await insights(user, 7)
    assert week["correlations"] == []  # fewer than 14 pairs
    last7 = [r for d, r in rows.items() if d > today - timedelta(days=7)]
    assert week["averages"]["mood"] == mean([r["mood"] for r in last7])
    assert len(week["series"]) == 7


async def test_weak_patterns_are_not_shown(app: Starlette) -> None:
    user, _ = await make_history("noise", patterned=False)
    result = await insights(user, 90)
    assert result["correlations"] == []


async def test_hidden_streaks_are_left_out(app: Starlette) -> None:
    user, _ = await make_history("private", patterned=True)
    user.hide_streaks = True
    await user.save()
    result = await insights(user, 30)
    assert "streak" not in result
    assert result["consistency"]["days"] == 29


def test_one_missed_day_does_not_reset_consistency() -> None:
    today = date(2026, 3, 31)
    every = [today - timedelta(days=i) for i in range(30)]
    assert consistency(every, today)["score"] == 1.0
    one_gap = [d for d in every if d != today - timedelta(days=1)]
    assert consistency(one_gap, today)["days"] == 29
    assert streak(one_gap, today) == 1
    # Today still open: yesterday's run counts.
    assert streak(every[1:], today) == 29
    assert streak([], today) == 0


@pytest.mark.parametrize(("xs", "ys", "r"), [
    ([1, 2, 3], [2, 4, 6], 1.0), ([1, 2, 3], [3, 2, 1], -1.0), ([1, 1, 1], [1, 2, 3], None),
])
def test_pearson(xs: list[float], ys: list[float], r: float | None) -> None:
    got = pearson(xs, ys)
    assert (got is None and r is None) or (got is not None and round(got, 6) == r)
