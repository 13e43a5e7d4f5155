"""Screeners (PHQ-9, GAD-7 and their 2-item forms), scored on the server from the content."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, Field
from tortoise.transactions import in_transaction

from wellness.config import Settings
from wellness.content.catalog import Catalog
from wellness.db import as_datetime, fetch
from wellness.errors import field_error
from wellness.models.accounts import User
from wellness.models.checkins import Instrument, SafetyKind, ScreenerResult
from wellness.services.changes import existing_own, lock_user, log_change
from wellness.services.checkins import check_client_time, now
from wellness.services.safety import record_safety_event
from wellness.services.scoring import score_screener
from wellness.validation import Strict

INSTRUMENTS = tuple(i.value for i in Instrument)
SELF_HARM_FLAG = "self_harm"
WEEKLY = ("phq9", "gad7")
SUGGEST_EVERY = timedelta(days=7)


class ScreenerAnswers(Strict):
    answers: list[int] = Field(min_length=1, max_length=20)
    id: uuid.UUID | None = None
    taken_at: AwareDatetime | None = None


class ScreenerSubmit(ScreenerAnswers):
    """A screener submitted through sync names its instrument in the data."""

    instrument: Literal["phq9", "gad7", "phq2", "gad2"]


@dataclass(frozen=True)
class Submitted:
    result: ScreenerResult
    status: Literal["applied", "duplicate"]
    suggest_full: str | None
    safety: bool


async def submit_screener(
    settings: Settings, catalog: Catalog, user: User, instrument_id: str, data: ScreenerAnswers,
    *, default_id: uuid.UUID | None = None, prefix: str = "",
) -> Submitted:
    instrument = catalog.instruments.get(instrument_id)
    if instrument is None or instrument_id not in INSTRUMENTS:
        raise field_error(f"{prefix}instrument", f"Use one of {', '.join(INSTRUMENTS)}.")
    try:
        score = score_screener(instrument, data.answers)
    except ValueError as exc:
        raise field_error(f"{prefix}answers", str(exc)) from None
    taken_at = check_client_time(data.taken_at, f"{prefix}taken_at") if data.taken_at else now()
    result_id = data.id or default_id or uuid.uuid4()
    # Item 9 above 0 needs same-day follow-up whatever the total, even if a content edit
    # dropped the flag.
    safety = SELF_HARM_FLAG in score.flags or (instrument_id == "phq9" and data.answers[8] > 0)
    async with in_transaction():
        await lock_user(user.id)
        existing = await existing_own(ScreenerResult, result_id, user, f"{prefix}id",
                                      "screener")
        if existing is not None:
            return Submitted(existing, "duplicate", score.suggest_full, False)
        result = await ScreenerResult.create(
            id=result_id, user_id=user.id, instrument=Instrument(instrument_id),
            answers=list(data.answers), total=score.total, band=score.band,
            flags=list(score.flags), taken_at=taken_at,
        )
        await log_change(user.id, "screener", str(result_id))
        if safety:
            await record_safety_event(settings, user, SafetyKind.SELF_HARM_ITEM, str(result_id))
    return Submitted(result, "applied", score.suggest_full, safety)


async def list_results(user: User, instrument: str | None = None,
                       limit: int = 100) -> list[ScreenerResult]:
    query = ScreenerResult.filter(user_id=user.id)
    if instrument:
        query = query.filter(instrument=instrument)
    return await query.order_by("-taken_at").limit(limit)


async def due_screeners(user: User, at: datetime | None = None) -> list[str]:
    """The weekly screeners not taken in the last seven days."""
    since = (at or now()) - SUGGEST_EVERY
    # On every Today view: one small query, written out (see wellness.db.fetch).
    latest = {row["instrument"]: as_datetime(row["last"]) for row in await fetch(
        "SELECT instrument, MAX(taken_at) AS last FROM screener_results WHERE user_id = ? "
        "GROUP BY instrument", user.id)}
    return [i for i in WEEKLY if i not in latest or latest[i] < since]


def result_view(result: ScreenerResult) -> dict[str, Any]:
    return {
        "id": str(result.id),
        "instrument": result.instrument.value,
        "answers": list(result.answers),
        "total": result.total,
        "band": result.band,
        "flags": list(result.flags or []),
        "taken_at": result.taken_at.astimezone(UTC).isoformat(),
    }
