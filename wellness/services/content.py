"""Queries over the in-memory content catalogue."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from wellness.content.catalog import Catalog
from wellness.content.schema import Meditation, Tip
from wellness.models.accounts import User


def find_meditations(
    catalog: Catalog, tag: str | None, kind: str | None, level: str | None,
    max_seconds: int | None,
) -> list[Meditation]:
    return [
        m for m in catalog.meditations
        if (tag is None or tag in m.tags)
        and (kind is None or m.kind == kind)
        and (level is None or m.level == level)
        and (max_seconds is None or m.duration_seconds <= max_seconds)
    ]


def meditation_summary(m: Meditation) -> dict[str, Any]:
    return m.model_dump(mode="json", include={"slug", "title", "summary", "level", "tags",
                                              "kind", "duration_seconds"})


def find_tips(catalog: Catalog, tag: str | None) -> list[Tip]:
    return [t for t in catalog.tips if tag is None or tag in t.tags]


def etags_in(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def local_today(user: User, now: datetime | None = None) -> date:
    return (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(user.timezone)).date()


def tip_for_day(catalog: Catalog, user_id: object, day: date) -> Tip:
    """A tip per local day that does not repeat until every tip has been shown.

    Each pass through the list is a permutation seeded by the user and the pass number, so two
    users see different tips on the same day and a user's order changes from pass to pass.
    """
    tips = catalog.tips
    cycle, position = divmod(day.toordinal(), len(tips))
    return tips[_tip_order(str(user_id), cycle, len(tips))[position]]


@lru_cache(maxsize=4096)
def _tip_order(user_id: str, cycle: int, count: int) -> tuple[int, ...]:
    """One pass's order (the same all pass long, so kept for the users seen recently)."""
    seed = hashlib.sha256(f"{user_id}:{cycle}".encode()).digest()
    return tuple(sorted(range(count),
                        key=lambda i: hashlib.sha256(seed + i.to_bytes(4, "big")).digest()))


def tip_today(catalog: Catalog, user: User, now: datetime | None = None) -> tuple[date, Tip]:
    day = local_today(user, now)
    return day, tip_for_day(catalog, user.id, day)
