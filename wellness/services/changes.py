"""The per-user change feed that lets a second device catch up (``GET /sync?since=``)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from tortoise import connections
from tortoise.models import Model

from wellness.errors import Conflict
from wellness.models.accounts import User
from wellness.models.checkins import ChangeLog

M = TypeVar("M", bound=Model)


async def lock_user(user_id: uuid.UUID) -> None:
    """Serialise one user's writes so their change-log ids commit in order.

    PostgreSQL: a row lock on the user (held to the end of the transaction). SQLite has one
    writer at a time (and Tortoise one transaction per process), so nothing to lock there.
    """
    if connections.get("default").capabilities.dialect == "sqlite":
        return
    await User.filter(id=user_id).select_for_update().only("id").first()


async def log_change(user_id: uuid.UUID, entity: str, entity_id: str, op: str = "upsert") -> None:
    """Append to the feed; call inside the transaction that made the change."""
    await lock_user(user_id)
    await ChangeLog.create(user_id=user_id, entity=entity, entity_id=entity_id, op=op)


async def existing_own(model: type[M], record_id: uuid.UUID, user: User, field: str,
                       what: str) -> M | None:
    """A record stored under a client-chosen id: the user's own (a resend), or None.

    Call inside the transaction that holds ``lock_user``; someone else's id is a 409.
    """
    existing = await model.get_or_none(id=record_id)
    if existing is not None and getattr(existing, "user_id", None) != user.id:
        raise Conflict(f"That {what} id is already in use.", errors=[
            {"field": field, "message": "Already in use; make a new id."}])
    return existing
