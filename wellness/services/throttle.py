"""Login throttling kept in the database, so it holds across app instances."""

from __future__ import annotations

from datetime import datetime, timedelta

from wellness.config import Settings
from wellness.crypto import keyed_hash
from wellness.errors import TooManyRequests
from wellness.models.accounts import LoginFailure
from wellness.services.sessions import now


def _keys(settings: Settings, username: str, address: str) -> tuple[str, str]:
    return (
        keyed_hash(settings.secret_key, "account:" + username.strip().lower()),
        keyed_hash(settings.secret_key, "address:" + address),
    )


async def check_login_allowed(settings: Settings, username: str, address: str) -> None:
    account_key, address_key = _keys(settings, username, address)
    since = now() - timedelta(seconds=settings.login_window_seconds)
    for key, limit in (
        (account_key, settings.login_max_failures_account),
        (address_key, settings.login_max_failures_address),
    ):
        recent: list[datetime] = await LoginFailure.filter(
            key=key, created_at__gt=since
        ).order_by("created_at").values_list("created_at", flat=True)  # type: ignore[assignment]
        if len(recent) >= limit:
            oldest = recent[len(recent) - limit]
            wait = int((oldest - since).total_seconds()) + 1
            raise TooManyRequests(
                "Too many sign-in attempts. Please wait a little and try again.", wait
            )


async def record_login_failure(settings: Settings, username: str, address: str) -> None:
    at = now()
    await LoginFailure.bulk_create(
        [LoginFailure(key=k, created_at=at) for k in _keys(settings, username, address)]
    )


async def clear_login_failures(settings: Settings, username: str) -> None:
    account_key, _ = _keys(settings, username, "")
    await LoginFailure.filter(key=account_key).delete()


async def purge_old_failures(settings: Settings) -> int:
    since = now() - timedelta(seconds=settings.login_window_seconds)
    return await LoginFailure.filter(created_at__lte=since).delete()
