"""Accounts: sign-up, sign-in, profile, password and second factor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import pyotp
from tortoise.exceptions import IntegrityError

from wellness.config import Settings
from wellness.crypto import Cipher, keyed_hash
from wellness.errors import Conflict, Unauthorized, WellnessError, field_error
from wellness.models.accounts import Role, User
from wellness.security import hash_password_off_loop, password_problem, verify_password_off_loop
from wellness.services import throttle
from wellness.services.reminders import reschedule_user
from wellness.services.sessions import end_all_sessions, now, start_session

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class SignIn:
    user: User
    token: str
    max_age: int


def check_timezone(name: str, field: str = "timezone") -> str:
    if name not in available_timezones():
        raise field_error(field, "Use an IANA time zone such as America/Chicago.")
    ZoneInfo(name)
    return name


def check_username(username: str) -> str:
    if not USERNAME_RE.match(username):
        raise field_error(
            "username", "Use 3 to 32 letters, digits, dots, dashes or underscores."
        )
    return username.lower()


def check_new_password(password: str, username: str, field: str = "password") -> None:
    problem = password_problem(password, username)
    if problem:
        raise field_error(field, problem)


async def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    timezone: str = "UTC",
    email: str | None = None,
    role: Role = Role.CLIENT,
) -> User:
    username = check_username(username)
    check_new_password(password, username)
    check_timezone(timezone)
    if await User.filter(username=username).exists():
        raise Conflict("That username is taken; please choose another.", field="username")
    try:
        return await User.create(
            username=username,
            password_hash=await hash_password_off_loop(password),
            display_name=display_name,
            timezone=timezone,
            email=email or None,
            role=role,
        )
    except IntegrityError:
        raise Conflict("That username is taken; please choose another.",
                       field="username") from None


async def register_client(settings: Settings, **fields: Any) -> SignIn:
    user = await create_user(role=Role.CLIENT, **fields)
    token, max_age = await start_session(settings, user)
    return SignIn(user, token, max_age)


async def sign_in(
    settings: Settings, username: str, password: str, address: str, totp_code: str | None
) -> SignIn:
    await throttle.check_login_allowed(settings, username, address)
    user = await User.get_or_none(username=username.strip().lower())
    ok = await verify_password_off_loop(user.password_hash if user else None, password)
    if not ok or user is None:
        await throttle.record_login_failure(settings, username, address)
        raise Unauthorized("That username and password do not match.")
    if user.totp_enabled:
        if not totp_code:
            raise WellnessError("Enter the 6-digit code from your authenticator app.",
                                status=401, title="Second factor needed", totp_required=True)
        if not _totp(settings, user).verify(totp_code, valid_window=1):
            await throttle.record_login_failure(settings, username, address)
            raise Unauthorized("That code did not match; codes change every 30 seconds.")
    await throttle.clear_login_failures(settings, username)
    token, max_age = await start_session(settings, user)
    return SignIn(user, token, max_age)


def _totp(settings: Settings, user: User) -> pyotp.TOTP:
    assert user.totp_secret_sealed
    secret = Cipher(settings.data_key).open(user.totp_secret_sealed, f"totp:{user.id}")
    return pyotp.TOTP(secret)


async def begin_totp(settings: Settings, user: User) -> dict[str, str]:
    if user.totp_enabled:
        raise Conflict("A second factor is already on; turn it off first to replace it.")
    secret = pyotp.random_base32()
    user.totp_secret_sealed = Cipher(settings.data_key).seal(secret, f"totp:{user.id}")
    await user.save(update_fields=["totp_secret_sealed", "updated_at"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Wellness")
    return {"secret": secret, "otpauth_uri": uri}


async def confirm_totp(settings: Settings, user: User, code: str) -> None:
    if not user.totp_secret_sealed:
        raise Conflict("Start the second-factor set-up first.")
    if not _totp(settings, user).verify(code, valid_window=1):
        raise field_error("code", "That code did not match; codes change every 30 seconds.")
    user.totp_enabled = True
    await user.save(update_fields=["totp_enabled", "updated_at"])


async def disable_totp(settings: Settings, user: User, password: str) -> None:
    if settings.require_counselor_totp and user.role != Role.CLIENT:
        raise WellnessError("This deployment requires a second factor for staff accounts.",
                            status=409, title="Second factor required")
    await require_password(user, password)
    user.totp_enabled = False
    user.totp_secret_sealed = None  # type: ignore[assignment]
    await user.save(update_fields=["totp_enabled", "totp_secret_sealed", "updated_at"])


async def require_password(user: User, password: str, field: str = "password") -> None:
    if not await verify_password_off_loop(user.password_hash, password):
        raise field_error(field, "That password is not right.")


async def change_password(
    settings: Settings, user: User, current: str, new: str, current_token: str | None
) -> None:
    await require_password(user, current, "current_password")
    check_new_password(new, user.username, "new_password")
    user.password_hash = await hash_password_off_loop(new)
    user.password_changed_at = now()
    await user.save(update_fields=["password_hash", "password_changed_at", "updated_at"])
    keep = keyed_hash(settings.secret_key, current_token) if current_token else None
    await end_all_sessions(user.id, keep_token_hash=keep)


PROFILE_FIELDS = ("display_name", "email", "timezone", "locale", "hide_streaks",
                  "discreet_notifications", "quiet_start", "quiet_end")


async def update_profile(user: User, changes: dict[str, Any]) -> User:
    if "timezone" in changes:
        check_timezone(changes["timezone"])
    for name in ("quiet_start", "quiet_end"):
        if name in changes and not TIME_RE.match(changes[name]):
            raise field_error(name, "Use a 24-hour time such as 22:00.")
    moved = "timezone" in changes and changes["timezone"] != user.timezone
    for name, value in changes.items():
        setattr(user, name, value)
    await user.save(update_fields=[*changes, "updated_at"])
    if moved:
        await reschedule_user(user, now())
    return user


def profile(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "timezone": user.timezone,
        "locale": user.locale,
        "hide_streaks": user.hide_streaks,
        "discreet_notifications": user.discreet_notifications,
        "quiet_start": user.quiet_start,
        "quiet_end": user.quiet_end,
        "totp_enabled": user.totp_enabled,
        "created_at": user.created_at.isoformat(),
    }
