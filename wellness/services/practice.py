"""The practice log: guided or unguided sessions, finished or stopped early, or entered by hand."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field
from tortoise.transactions import in_transaction

from wellness.errors import field_error
from wellness.models.accounts import User
from wellness.models.checkins import PracticeSession, PracticeSource
from wellness.services.changes import existing_own, lock_user, log_change
from wellness.services.checkins import check_client_time
from wellness.validation import Strict

MAX_SECONDS = 6 * 3600


class PracticeInput(Strict):
    id: uuid.UUID | None = None
    meditation_slug: str | None = Field(default=None, max_length=80,
                                        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    started_at: AwareDatetime
    planned_seconds: int | None = Field(default=None, ge=0, le=MAX_SECONDS)
    actual_seconds: int = Field(ge=0, le=MAX_SECONDS)
    completed: bool = False
    source: Literal["app", "manual"] = "app"


@dataclass(frozen=True)
class Logged:
    session: PracticeSession
    status: Literal["applied", "duplicate"]


async def log_session(
    user: User, data: PracticeInput, *, default_id: uuid.UUID | None = None,
    known_slugs: frozenset[str] | None = None, prefix: str = "",
) -> Logged:
    """Store a session once: resending the same id answers ``duplicate``."""
    started = check_client_time(data.started_at, f"{prefix}started_at")
    if known_slugs is not None and data.meditation_slug and data.meditation_slug not in known_slugs:
        raise field_error(f"{prefix}meditation_slug", "There is no meditation with that name.")
    session_id = data.id or default_id or uuid.uuid4()
    async with in_transaction():
        await lock_user(user.id)
        existing = await existing_own(PracticeSession, session_id, user, f"{prefix}id",
                                      "session")
        if existing is not None:
            return Logged(existing, "duplicate")
        session = await PracticeSession.create(
            id=session_id, user_id=user.id, meditation_slug=data.meditation_slug,
            started_at=started, planned_seconds=data.planned_seconds,
            actual_seconds=data.actual_seconds, completed=data.completed,
            source=PracticeSource(data.source),
        )
        await log_change(user.id, "practice", str(session_id))
    return Logged(session, "applied")


async def list_sessions(user: User, limit: int = 100,
                        before: datetime | None = None) -> list[PracticeSession]:
    query = PracticeSession.filter(user_id=user.id)
    if before is not None:
        query = query.filter(started_at__lt=before)
    return await query.order_by("-started_at").limit(limit)


def session_view(session: PracticeSession) -> dict[str, Any]:
    return {
        "id": str(session.id),
        "meditation_slug": session.meditation_slug,
        "started_at": session.started_at.astimezone(UTC).isoformat(),
        "planned_seconds": session.planned_seconds,
        "actual_seconds": session.actual_seconds,
        "completed": session.completed,
        "source": session.source.value,
    }
