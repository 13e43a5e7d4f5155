"""Server-side sessions: only a keyed hash of each token is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wellness.config import Settings
from wellness.crypto import keyed_hash
from wellness.models.accounts import Session, User
from wellness.security import new_session_token

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


async def resolve_session(settings: Settings, token: str) -> User | None:
    session = (
        await Session.filter(token_hash=keyed_hash(settings.secret_key, token))
        .select_related("user")
        .first()
    )
    if session is None:
        return None
    at = now()
    idle = timedelta(seconds=settings.timeouts_for(session.user.role).idle_seconds)
    if session.expires_at <= at or session.last_seen_at + idle <= at:
        await Session.filter(id=session.id).delete()
        return None
    if at - session.last_seen_at >= TOUCH_EVERY:
        await Session.filter(id=session.id).update(last_seen_at=at)
    return session.user


async def end_session(settings: Settings, token: str) -> None:
    await Session.filter(token_hash=keyed_hash(settings.secret_key, token)).delete()


async def end_all_sessions(user_id: object, keep_token_hash: str | None = None) -> int:
    query = Session.filter(user_id=user_id)
    if keep_token_hash:
        query = query.exclude(token_hash=keep_token_hash)
    return await query.delete()


async def purge_expired_sessions() -> int:
    return await Session.filter(expires_at__lte=now()).delete()
