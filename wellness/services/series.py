"""Reads over many clients at once, for the caseload and the alert-rules tick.

Thousands of small rows per call: written-out SQL (see ``wellness.db.fetch``), parsed here, so
neither holds the event loop for long. Results are keyed by the caller's own user ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from wellness.db import as_date, as_datetime, fetch, model_from_row
from wellness.models.accounts import User
from wellness.models.links import Link

Series = dict[Any, dict[date, tuple[int | None, int | None]]]


async def active_links(counselor_id: Any = None) -> tuple[list[Link], dict[Any, User]]:
    """Links not ended (one counselor's, or everyone's) and their clients by id."""
    if counselor_id is None:
        rows = await fetch("SELECT * FROM links WHERE ended_at IS NULL")
    else:
        rows = await fetch("SELECT * FROM links WHERE counselor_id = ? AND ended_at IS NULL",
                           counselor_id)
    links = [model_from_row(Link, row) for row in rows]
    ids = list({link.client_id for link in links})  # type: ignore[attr-defined]
    clients = {user.id: user for user in (model_from_row(User, row) for row in await fetch(
        "SELECT * FROM users WHERE id IN (?)", ids))} if ids else {}
    return links, clients


def _keys(user_ids: Sequence[Any]) -> dict[str, Any]:
    # SQLite gives ids back as text, PostgreSQL as UUIDs: map either to the caller's own.
    return {str(uid): uid for uid in user_ids}


async def checkin_series(user_ids: Sequence[Any], since: date) -> Series:
    """Each client's (mood, craving) per local date from ``since`` on."""
    keys = _keys(user_ids)
    series: Series = defaultdict(dict)
    for row in await fetch("SELECT user_id, local_date, mood, craving FROM checkins "
                           "WHERE user_id IN (?) AND local_date >= ?", list(user_ids), since):
        series[keys[str(row["user_id"])]][as_date(row["local_date"])] = (
            row["mood"], row["craving"])
    return series


async def last_checkin_dates(user_ids: Sequence[Any]) -> dict[Any, date]:
    """Each client's latest check-in date (clients who never checked in are left out)."""
    keys = _keys(user_ids)
    return {keys[str(row["user_id"])]: as_date(row["last"]) for row in await fetch(
        "SELECT user_id, MAX(local_date) AS last FROM checkins WHERE user_id IN (?) "
        "GROUP BY user_id", list(user_ids))}


async def practice_since(user_ids: Sequence[Any], since: datetime) -> dict[Any, list[
        tuple[datetime, int]]]:
    """Each client's practice sessions from ``since`` on: (started_at, seconds practised)."""
    keys = _keys(user_ids)
    sessions: dict[Any, list[tuple[datetime, int]]] = defaultdict(list)
    for row in await fetch("SELECT user_id, started_at, actual_seconds FROM practice_sessions "
                           "WHERE user_id IN (?) AND started_at >= ?", list(user_ids), since):
        sessions[keys[str(row["user_id"])]].append(
            (as_datetime(row["started_at"]), row["actual_seconds"]))
    return sessions
