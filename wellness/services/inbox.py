"""The in-app inbox: every nudge a user was sent, pushed or not, and what they opened."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wellness.errors import NotFound
from wellness.models.accounts import User
from wellness.models.nudges import Nudge, Reminder
from wellness.services.nudges import URLS
from wellness.services.reminders import schedule


def view(nudge: Nudge) -> dict[str, Any]:
    url = URLS.get(nudge.kind, "/#/today")
    return {
        "id": nudge.id,
        "kind": nudge.kind,
        "title": nudge.title,
        "body": nudge.body,
        "label": nudge.label,
        "url": url,
        "status": nudge.status.value,
        "local_date": nudge.local_date.isoformat(),
        "due_at": nudge.due_at.isoformat(),
        "sent_at": nudge.sent_at.isoformat() if nudge.sent_at else None,
        "opened_at": nudge.opened_at.isoformat() if nudge.opened_at else None,
    }


async def list_nudges(user: User, limit: int = 50, before: int | None = None,
                      ) -> list[dict[str, Any]]:
    query = Nudge.filter(user_id=user.id)
    if before is not None:
        query = query.filter(id__lt=before)
    return [view(n) for n in await query.order_by("-id").limit(limit)]


async def mark_opened(user: User, nudge_id: int, now: datetime) -> dict[str, Any]:
    """Engagement: the nudge was opened, so its reminder goes back to its usual rhythm."""
    nudge = await Nudge.get_or_none(id=nudge_id, user_id=user.id)
    if nudge is None:
        raise NotFound("No such nudge.")
    if nudge.opened_at is None:
        nudge.opened_at = now
        await nudge.save(update_fields=["opened_at"])
    if nudge.reminder_id is not None:
        reminder = await Reminder.get_or_none(id=nudge.reminder_id)
        if reminder is not None and (reminder.consecutive_ignored or reminder.eased):
            was_eased = reminder.eased
            reminder.consecutive_ignored, reminder.eased = 0, False
            fields = ["consecutive_ignored", "eased", "updated_at"]
            if was_eased and reminder.enabled:
                reminder.next_fire_at = schedule(reminder, ZoneInfo(user.timezone), now)
                fields.append("next_fire_at")
            await reminder.save(update_fields=fields)
    return view(nudge)
