"""Server-side sessions: only a keyed hash of each token is stored."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from wellness.config import Settings
from wellness.crypto import keyed_hash
from wellness.db import as_datetime, fetch, model_from_row
from wellness.models.accounts import Session, User
from wellness.security import new_session_token

log = logging.getLogger("wellness.sessions")

# A session's last-seen time is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


def now() -> datetime:
    return datetime.now(UTC)


async def start_session(settings: Settings, user: User) -> tuple[str, int]:
    """A fresh token for the user and its cookie lifetime in seconds."""
    token = new_session_token()
    limits = settings.timeouts_for(user.role)
    at = now()
    await Session.create(
        token_hash=keyed_hash(settings.secret_key, token),
        user=user,
        created_at=at,
        last_seen_at=at,
        expires_at=at + timedelta(seconds=limits.absolute_seconds),
    )
    return token, limits.absolute_seconds


# Runs on every signed-in request, so it is written out rather than built by the ORM.
SESSION_SQL = (
    'SELECT s.id AS "session__id", s.last_seen_at AS "session__last_seen_at", '
    's.expires_at AS "session__expires_at", u.* '
    "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"
)


async def resolve_session(settings: Settings, token: str) -> User | None:
    rows = await fetch(SESSION_SQL, keyed_hash(settings.secret_key, token))
    if not rows:
        return None
    row = rows[0]
    session_id = row.pop("session__id")
    last_seen_at = as_datetime(row.pop("session__last_seen_at"))
    expires_at = as_datetime(row.pop("session__expires_at"))
    user = model_from_row(User, row)
    at = now()
    idle = timedelta(seconds=settings.timeouts_for(user.role).idle_seconds)
    if expires_at <= at or last_seen_at + idle <= at:
        await Session.filter(id=session_id).delete()
        return None
    if at - last_seen_at >= TOUCH_EVERY:
        _touch_later(session_id, at)
    return user


# The last-seen write goes to the single SQLite writer, which may be busy with a sync batch;
# the request does not need its result, so it does not wait for it.
_touches: set[asyncio.Task[None]] = set()


def _touch_later(session_id: int, at: datetime) -> None:
    task = asyncio.create_task(_touch(session_id, at))
    _touches.add(task)
    task.add_done_callback(_touches.discard)


async def _touch(session_id: int, at: datetime) -> None:
    try:
        await Session.filter(id=session_id, last_seen_at__lt=at).update(last_seen_at=at)
    except Exception:  # the next request tries again; the session itself is unharmed
        log.warning("session last-seen update failed", exc_info=True)


async def settle_touches() -> None:
    """Waits for last-seen updates still in flight (at shutdown, and in tests)."""
    while _touches:
        await asyncio.gather(*_touches, return_exceptions=True)


async def end_session(settings: Settings, token: str) -> None:
    await Session.filter(token_hash=keyed_hash(settings.secret_key, token)).delete()


async def end_all_sessions(user_id: object, keep_token_hash: str | None = None) -> int:
    query = Session.filter(user_id=user_id)
    if keep_token_hash:
        query = query.exclude(token_hash=keep_token_hash)
    return await query.delete()


async def purge_expired_sessions() -> int:
    return await Session.filter(expires_at__lte=now()).delete()
