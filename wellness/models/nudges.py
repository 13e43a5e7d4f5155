"""Reminders, the nudge outbox, and Web Push subscriptions."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from wellness.models.accounts import User


class ReminderKind(StrEnum):
    CHECKIN = "checkin"
    MEDITATION = "meditation"
    ROUTINE = "routine"
    CUSTOM = "custom"


class NudgeStatus(StrEnum):
    PENDING = "pending"
    LEASED = "leased"
    SENT = "sent"
    SKIPPED = "skipped"
    EXPIRED = "expired"
    FAILED = "failed"


# Nudge kinds: every reminder kind, plus in-app notices (never pushed).
NOTICE_KIND = "notice"


class Reminder(Model):
    """A repeating local-time reminder: ``next_fire_at`` is null while it is off."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reminders", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ReminderKind, max_length=16)
    # Custom reminders only; shown in the app, on a lock screen only without discretion.
    label = fields.CharField(max_length=60, null=True)
    local_time = fields.CharField(max_length=5)
    days_of_week: fields.JSONField[list[int]] = fields.JSONField(default=list)  # 0 = Monday
    enabled = fields.BooleanField(default=True)
    next_fire_at = fields.DatetimeField(null=True, db_index=True)
    eased = fields.BooleanField(default=False)
    consecutive_ignored = fields.IntField(default=0)
    last_local_date = fields.DateField(null=True)
    routine_item_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    user_id: UUID

    class Meta:
        table = "reminders"


class Nudge(Model):
    """One row of the outbox and of the in-app inbox: it always ends in a final status."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="nudges", on_delete=fields.CASCADE
    )
    reminder: fields.ForeignKeyNullableRelation[Reminder] = fields.ForeignKeyField(
        "models.Reminder", related_name="nudges", on_delete=fields.SET_NULL, null=True
    )
    kind = fields.CharField(max_length=16)
    dedupe_key = fields.CharField(max_length=120, unique=True)
    local_date = fields.DateField()
    due_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    status = fields.CharEnumField(NudgeStatus, max_length=8, default=NudgeStatus.PENDING)
    # Inside quiet hours (or a notice): the inbox only, no push.
    in_app_only = fields.BooleanField(default=False)
    attempts = fields.IntField(default=0)
    lease_until = fields.DatetimeField(null=True)
    leased_by = fields.CharField(max_length=64, null=True)
    # When a worker may take it: due time, retry time, or (while leased) the lease's end.
    next_attempt_at = fields.DatetimeField()
    title = fields.CharField(max_length=100)
    body = fields.CharField(max_length=200)
    label = fields.CharField(max_length=60, null=True)
    devices = fields.SmallIntField(default=0)
    opened_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=120, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    user_id: UUID
    reminder_id: int | None

    class Meta:
        table = "nudges"
        indexes = (("status", "next_attempt_at"), ("user_id", "id"))


class PushSubscription(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    endpoint = fields.CharField(max_length=1000, unique=True)
    p256dh = fields.CharField(max_length=100)
    auth = fields.CharField(max_length=40)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_success_at = fields.DatetimeField(null=True)
    user_id: UUID

    class Meta:
        table = "push_subscriptions"
