"""Invites and consented links, and the scope check every counselor read goes through."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from wellness.config import Settings
from wellness.crypto import keyed_hash
from wellness.errors import Conflict, Forbidden, NotFound, TooManyRequests, field_error
from wellness.models.accounts import LoginFailure, Role, User
from wellness.models.links import Invite, Link, Scope
from wellness.services.audit import Access, record_access
from wellness.services.changes import lock_user
from wellness.services.sessions import now

# No 0/O, 1/I/L or U: a code survives being read aloud over a bad phone line.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 8
INVITE_HOURS = 72
MAX_BAD_CODES = 10
DEFAULT_SCOPES = (Scope.CHECKIN_SUMMARY, Scope.PRACTICE, Scope.SCREENERS, Scope.SAFETY_ALERTS)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(code: str) -> str:
    """Dashes, spaces and case do not matter when a code is typed back in."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(settings: Settings, code: str) -> str:
    return keyed_hash(settings.secret_key, "invite:" + normalize_code(code))


@dataclass(frozen=True)
class NewInvite:
    code: str
    expires_at: datetime


async def create_invite(settings: Settings, counselor: User) -> NewInvite:
    at = now()
    code = new_code()
    invite = await Invite.create(counselor_id=counselor.id, code_hash=_code_hash(settings, code),
                                 expires_at=at + timedelta(hours=INVITE_HOURS))
    return NewInvite(code, invite.expires_at)


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = {Scope(s) for s in scopes}
    return [s.value for s in Scope if s in chosen]


async def redeem_invite(settings: Settings, client: User, code: str,
                        scopes: Iterable[str] | None) -> Link:
    """Link the client to the inviting counselor with the scopes the client chose."""
    failures_key = keyed_hash(settings.secret_key, f"invite-user:{client.id}")
    window = now() - timedelta(seconds=settings.login_window_seconds)
    if await LoginFailure.filter(key=failures_key, created_at__gt=window).count() >= MAX_BAD_CODES:
        raise TooManyRequests("Too many codes tried. Please wait a little and try again.",
                              settings.login_window_seconds)
    chosen = clean_scopes(DEFAULT_SCOPES if scopes is None else scopes)
    at = now()
    code_hash = _code_hash(settings, code)
    if not await Invite.filter(code_hash=code_hash, redeemed_at=None,
                               expires_at__gt=at).exists():
        await LoginFailure.create(key=failures_key, created_at=at)
        raise field_error("code", "That code is not valid or has expired; ask your "
                          "counselor for a new one.")
    async with in_transaction():
        claimed = await Invite.filter(code_hash=code_hash, redeemed_at=None,
                                      expires_at__gt=at).update(redeemed_at=at)
        if not claimed:  # redeemed a moment ago by someone else
            raise field_error("code", "That code has just been used; ask your counselor for "
                              "a new one.")
        invite = await Invite.get(code_hash=code_hash)
        await lock_user(client.id)  # two codes redeemed at once still make one link
        if await Link.filter(counselor_id=invite.counselor_id,  # type: ignore[attr-defined]
                             client_id=client.id, ended_at=None).exists():
            raise Conflict("You are already linked with this counselor; change what you share "
                           "on the existing link.")
        link = await Link.create(counselor_id=invite.counselor_id,  # type: ignore[attr-defined]
                                 client_id=client.id, scopes=chosen)
    return await Link.get(id=link.id).prefetch_related("counselor", "client")


async def list_links(user: User) -> list[Link]:
    query = (Link.filter(client_id=user.id) if user.role == Role.CLIENT
             else Link.filter(counselor_id=user.id))
    return await query.filter(ended_at=None).prefetch_related("counselor", "client").order_by(
        "created_at")


async def _own_link(user: User, link_id: uuid.UUID, *, client_only: bool) -> Link:
    link = await Link.get_or_none(id=link_id, ended_at=None).prefetch_related(
        "counselor", "client")
    if link is None:
        raise NotFound("There is no such link.")
    parties = {link.client_id} if client_only else {  # type: ignore[attr-defined]
        link.client_id, link.counselor_id}  # type: ignore[attr-defined]
    if user.id not in parties:
        raise NotFound("There is no such link.")
    return link


async def change_scopes(user: User, link_id: uuid.UUID, scopes: Iterable[str]) -> Link:
    link = await _own_link(user, link_id, client_only=True)
    link.scopes = clean_scopes(scopes)
    await link.save(update_fields=["scopes", "updated_at"])
    return link


async def end_link(user: User, link_id: uuid.UUID) -> None:
    link = await _own_link(user, link_id, client_only=False)
    await Link.filter(id=link.id, ended_at=None).update(ended_at=now())


def link_view(link: Link, viewer: User) -> dict[str, Any]:
    is_client = viewer.id == link.client_id  # type: ignore[attr-defined]
    other = link.counselor if is_client else link.client
    return {
        "id": str(link.id),
        "counselor_id": str(link.counselor_id),  # type: ignore[attr-defined]
        "client_id": str(link.client_id),  # type: ignore[attr-defined]
        "with": {"id": str(other.id), "display_name": other.display_name,
                 "role": str(other.role)},
        "scopes": list(link.scopes),
        "created_at": link.created_at.isoformat(),
    }


async def require_scope(counselor: User, client_id: uuid.UUID, resource: str,
                        any_of: Iterable[str] = ()) -> Link:
    """The counselor's active link to the client; every outcome goes in the client's log.

    Not linked (or no such client) is 404 either way; linked without any of ``any_of`` is 403.
    Scopes are read fresh on every request, so a change takes effect at once.
    """
    wanted = set(any_of)
    link = await Link.get_or_none(counselor_id=counselor.id, client_id=client_id,
                                  ended_at=None).prefetch_related("client")
    if link is None:
        await record_access(counselor, [Access(str(client_id), resource, "not_found")])
        raise NotFound("There is no such client.")
    if wanted and not wanted & set(link.scopes):
        await record_access(counselor, [Access(str(client_id), resource, "denied",
                                               sorted(wanted))])
        raise Forbidden("The client has not shared this with you.")
    return link
