"""The per-user change feed that lets a second device catch up (``GET /sync?since=``)."""

from __future__ import annotations

import uuid

from tortoise import connections

from wellness.models.accounts import User
from wellness.models.checkins import ChangeLog


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
