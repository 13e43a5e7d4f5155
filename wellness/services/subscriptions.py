"""Web Push subscriptions: one per browser, several per user."""

from __future__ import annotations

import binascii
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from wellness.crypto import b64url_decode, vapid_public_key
from wellness.errors import field_error
from wellness.models.accounts import User
from wellness.models.nudges import PushSubscription
from wellness.push import EndpointRefused, check_endpoint


def public_key(vapid_private_key: str) -> str:
    return vapid_public_key(vapid_private_key)


def _decoded(text: str, field: str, length: int) -> bytes:
    try:
        raw = b64url_decode(text)
    except (binascii.Error, ValueError):
        raise field_error(field, "Use base64url.") from None
    if len(raw) != length:
        raise field_error(field, f"Expected {length} bytes.")
    return raw


def check_keys(p256dh: str, auth: str) -> None:
    raw = _decoded(p256dh, "keys.p256dh", 65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise field_error("keys.p256dh", "Not a P-256 public key.") from None
    _decoded(auth, "keys.auth", 16)


async def subscribe(user: User, endpoint: str, p256dh: str, auth: str, *,
                    allow_private: bool) -> PushSubscription:
    """Save a browser's subscription; on a shared phone it moves to whoever signed in last."""
    try:
        await check_endpoint(endpoint, allow_private=allow_private)
    except EndpointRefused as exc:
        raise field_error("endpoint", str(exc)) from None
    check_keys(p256dh, auth)
    sub, created = await PushSubscription.get_or_create(
        endpoint=endpoint, defaults={"user_id": user.id, "p256dh": p256dh, "auth": auth}
    )
    if not created:
        sub.user_id = user.id
        sub.p256dh, sub.auth = p256dh, auth
        await sub.save(update_fields=["user_id", "p256dh", "auth"])
    return sub


async def unsubscribe(user: User, endpoint: str) -> None:
    await PushSubscription.filter(user_id=user.id, endpoint=endpoint).delete()


def view(sub: PushSubscription) -> dict[str, Any]:
    return {
        "id": sub.id,
        "created_at": sub.created_at.isoformat(),
        "last_success_at": sub.last_success_at.isoformat() if sub.last_success_at else None,
    }
