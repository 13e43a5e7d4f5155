"""Accounts, server-side sessions and login throttling."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    CLIENT = "client"
    COUNSELOR = "counselor"
    ADMIN = "admin"


class User(Model):
    id = fields.UUIDField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254, null=True)
    password_hash = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=80)
    role = fields.CharEnumField(Role, max_length=16, default=Role.CLIENT)
    timezone = fields.CharField(max_length=64, default="UTC")
    locale = fields.CharField(max_length=16, default="en")
    # Preferences the client controls: hide streaks, discreet notifications, quiet hours.
    hide_streaks = fields.BooleanField(default=False)
    discreet_notifications = fields.BooleanField(default=True)
    quiet_start = fields.CharField(max_length=5, default="22:00")
    quiet_end = fields.CharField(max_length=5, default="07:00")
    totp_secret_sealed = fields.TextField(null=True)
    totp_enabled = fields.BooleanField(default=False)
    password_changed_at = fields.DatetimeField(auto_now_add=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"


class Session(Model):
    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "sessions"


class LoginFailure(Model):
    """One failed sign-in, keyed by a hash of the account name or of the address."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_failures"


class AccountTombstone(Model):
    """What remains of an erased account: a keyed hash of its id, its role and when."""

    id = fields.BigIntField(primary_key=True)
    user_hash = fields.CharField(max_length=64, db_index=True)
    role = fields.CharField(max_length=16)
    deleted_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account_tombstones"
