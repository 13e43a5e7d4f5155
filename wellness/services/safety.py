"""The safety loop's client side: record a high-risk signal so counselors can be alerted."""

from __future__ import annotations

from typing import Any

from wellness.config import Settings
from wellness.content.catalog import Catalog
from wellness.models.accounts import User
from wellness.models.checkins import SafetyEvent, SafetyKind
from wellness.services import alerts


async def record_safety_event(
    settings: Settings, user: User, kind: SafetyKind | str, source_id: str | None = None
) -> SafetyEvent:
    """Store a safety event; the counselor side turns it into alerts.

    Often called inside the transaction that stored the signal (a check-in, a screener, a sync
    op), so the event and its source commit together: keep work added here database-only.
    """
    event = await SafetyEvent.create(user_id=user.id, kind=SafetyKind(kind), source_id=source_id)
    await alerts.alerts_for_safety_event(event, user)
    return event


async def help_now(settings: Settings, user: User) -> SafetyEvent:
    return await record_safety_event(settings, user, SafetyKind.HELP_NOW)


def crisis_payload(catalog: Catalog) -> dict[str, Any]:
    """The crisis resources as JSON, to travel in the same response as the risky answer."""
    data: dict[str, Any] = catalog.crisis.model_dump(mode="json", exclude_none=True)
    return data
