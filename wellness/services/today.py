"""``GET /today``: everything the home screen needs, in one request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from wellness.config import Settings
from wellness.content.catalog import Catalog
from wellness.db import fetch, model_from_row
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn
from wellness.services.checkins import checkin_view, local_today
from wellness.services.content import tip_for_day
from wellness.services.insights import checkin_dates, consistency, streak
from wellness.services.routines import routines_for_today
from wellness.services.screeners import due_screeners


async def today_view(settings: Settings, catalog: Catalog, user: User) -> dict[str, Any]:
    today = local_today(user.timezone)
    dates = await checkin_dates(user, today)
    checkin = None
    if dates and dates[0] == today:
        rows = await fetch("SELECT * FROM checkins WHERE user_id = ? AND local_date = ?",
                           user.id, today)
        checkin = checkin_view(settings, model_from_row(CheckIn, rows[0])) if rows else None
    tip = tip_for_day(catalog, user.id, today)
    result: dict[str, Any] = {
        "date": today.isoformat(),
        "checkin": {"done": checkin is not None, "data": checkin},
        "yesterday_done": (today - timedelta(days=1)) in dates,
        "tip": tip.model_dump(mode="json", exclude_none=True) if tip else None,
        "consistency": consistency(dates, today),
        "screeners_due": await due_screeners(user),
        "routines": await routines_for_today(user, catalog, today),
    }
    if not user.hide_streaks:
        result["streak"] = streak(dates, today)
    return result
