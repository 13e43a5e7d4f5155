"""Daily check-ins: one per user per local date, the newest client edit wins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, Field, field_validator
from tortoise.transactions import in_transaction

from wellness.config import Settings
from wellness.crypto import Cipher
from wellness.errors import field_error
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn, Medication, SafetyKind, sealed_context
from wellness.services.changes import lock_user, log_change
from wellness.services.safety import record_safety_event
from wellness.validation import Strict

TRIGGERS = (
    "stress", "people", "places", "boredom", "loneliness", "conflict", "pain", "money",
    "tiredness", "hunger", "anger", "sadness", "anxiety", "celebration", "cues", "work",
    "family", "sleep",
)
MAX_CUSTOM_TRIGGERS = 3
CUSTOM_TRIGGER_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[' -]){0,31}$")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
SKEW = timedelta(days=1)


class CheckInInput(Strict):
    """Every field optional, so a 10-second check-in is possible."""

    mood: int | None = Field(default=None, ge=1, le=5)
    craving: int | None = Field(default=None, ge=0, le=10)
    sleep_hours: float | None = Field(default=None, ge=0, le=24)
    sleep_quality: int | None = Field(default=None, ge=1, le=5)
    stress: int | None = Field(default=None, ge=0, le=10)
    energy: int | None = Field(default=None, ge=1, le=5)
    triggers: list[str] = Field(default_factory=list, max_length=len(TRIGGERS) + 3)
    medication_taken: Literal["yes", "no", "not_applicable"] | None = None
    used_today: bool | None = None
    note: str | None = Field(default=None, max_length=4000)
    gratitude: str | None = Field(default=None, max_length=500)

    @field_validator("sleep_hours")
    @classmethod
    def _quarter_hours(cls, value: float | None) -> float | None:
        if value is not None and (value * 4) != int(value * 4):
            raise ValueError("Use quarter hours, such as 7 or 7.25.")
        return value

    @field_validator("triggers")
    @classmethod
    def _triggers(cls, value: list[str]) -> list[str]:
        seen: list[str] = []
        for word in (w.strip().lower() for w in value):
            if word and word not in seen:
                if word not in TRIGGERS and not CUSTOM_TRIGGER_RE.match(word):
                    raise ValueError("A custom trigger is one to 32 letters, spaces or dashes.")
                seen.append(word)
        if sum(1 for w in seen if w not in TRIGGERS) > MAX_CUSTOM_TRIGGERS:
            raise ValueError(f"Add at most {MAX_CUSTOM_TRIGGERS} words of your own.")
        return seen


STORED_AS_IS = set(CheckInInput.model_fields) - {"note", "gratitude"}


class CheckInPut(CheckInInput):
    """The body of ``PUT /checkins/{date}``; ``client_updated_at`` defaults to now."""

    client_updated_at: AwareDatetime | None = None


@dataclass(frozen=True)
class Recorded:
    checkin: CheckIn
    status: Literal["applied", "superseded"]
    safety: bool


def now() -> datetime:
    return datetime.now(UTC)


def local_today(timezone: str, at: datetime | None = None) -> date:
    return (at or now()).astimezone(ZoneInfo(timezone)).date()


def check_local_date(user: User, value: str, field: str = "local_date") -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise field_error(field, "Use a real date such as 2026-03-01.") from None
    if len(value) != 10:
        raise field_error(field, "Use a real date such as 2026-03-01.")
    if day > local_today(user.timezone) + timedelta(days=1):
        raise field_error(field, "That date is in the future.")
    if day < EARLIEST.date():
        raise field_error(field, "That date is too far in the past.")
    return day


def check_client_time(value: datetime, field: str) -> datetime:
    """Phones' clocks drift, so only absurd times are refused."""
    if value > now() + SKEW:
        raise field_error(field, "This time is more than a day in the future; check the clock.")
    if value < EARLIEST:
        raise field_error(field, "This time is before 2000; check the clock.")
    return value.astimezone(UTC)


async def record_checkin(
    settings: Settings, user: User, day: date, data: CheckInInput, client_updated_at: datetime,
) -> Recorded:
    """Insert or replace the day's check-in unless a newer edit is already stored.

    Runs in the caller's transaction when there is one (sync), else in its own.
    """
    async with in_transaction():
        await lock_user(user.id)
        existing = await CheckIn.get_or_none(user_id=user.id, local_date=day)
        if existing is not None and existing.client_updated_at > client_updated_at:
            return Recorded(existing, "superseded", False)
        cipher = Cipher(settings.data_key)
        values: dict[str, Any] = data.model_dump(include=STORED_AS_IS)
        values["note_sealed"] = (
            cipher.seal(data.note, sealed_context(user.id, day, "note")) if data.note else None
        )
        values["gratitude_sealed"] = (
            cipher.seal(data.gratitude, sealed_context(user.id, day, "gratitude"))
            if data.gratitude else None
        )
        values["client_updated_at"] = client_updated_at
        if data.medication_taken is not None:
            values["medication_taken"] = Medication(data.medication_taken)
        was_high = existing is not None and _high_craving(settings, existing.craving)
        if existing is None:
            checkin = await CheckIn.create(user_id=user.id, local_date=day, **values)
        else:
            existing.update_from_dict(values)
            await existing.save()
            checkin = existing
        await log_change(user.id, "checkin", day.isoformat())
        safety = _high_craving(settings, checkin.craving)
        if safety and not was_high:
            await record_safety_event(settings, user, SafetyKind.CRAVING,
                                      f"checkin:{day.isoformat()}")
    return Recorded(checkin, "applied", safety)


def _high_craving(settings: Settings, craving: int | None) -> bool:
    return craving is not None and craving >= settings.craving_alert_threshold


MAX_RANGE_DAYS = 400


async def list_checkins(user: User, start: date | None, end: date | None) -> list[CheckIn]:
    """Check-ins in a range of at most MAX_RANGE_DAYS local dates, ending today by default."""
    end = end or local_today(user.timezone) + timedelta(days=1)
    start = start or end - timedelta(days=MAX_RANGE_DAYS - 1)
    if start > end:
        raise field_error("query.from", "The start date is after the end date.")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise field_error("query.from", f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    return await CheckIn.filter(
        user_id=user.id, local_date__gte=start, local_date__lte=end
    ).order_by("local_date")


def checkin_view(settings: Settings, checkin: CheckIn) -> dict[str, Any]:
    cipher = Cipher(settings.data_key)
    uid, day = checkin.user_id, checkin.local_date  # type: ignore[attr-defined]

    def opened(token: str | None, field: str) -> str | None:
        return cipher.open(token, sealed_context(uid, day, field)) if token else None

    return {
        "local_date": day.isoformat(),
        "mood": checkin.mood,
        "craving": checkin.craving,
        "sleep_hours": checkin.sleep_hours,
        "sleep_quality": checkin.sleep_quality,
        "stress": checkin.stress,
        "energy": checkin.energy,
        "triggers": list(checkin.triggers or []),
        "medication_taken": checkin.medication_taken.value if checkin.medication_taken else None,
        "used_today": checkin.used_today,
        "note": opened(checkin.note_sealed, "note"),
        "gratitude": opened(checkin.gratitude_sealed, "gratitude"),
        "client_updated_at": checkin.client_updated_at.astimezone(UTC).isoformat(),
        "updated_at": checkin.updated_at.astimezone(UTC).isoformat(),
    }
