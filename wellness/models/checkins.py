"""What clients record: daily check-ins, practice, screeners, safety events, and offline sync."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from wellness.models.accounts import User


class Medication(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"


class PracticeSource(StrEnum):
    APP = "app"
    MANUAL = "manual"


class Instrument(StrEnum):
    PHQ9 = "phq9"
    GAD7 = "gad7"
    PHQ2 = "phq2"
    GAD2 = "gad2"


class SafetyKind(StrEnum):
    SELF_HARM_ITEM = "self_harm_item"
    CRAVING = "craving"
    HELP_NOW = "help_now"


def sealed_context(user_id: object, local_date: object, field: str) -> str:
    """AES-GCM associated data for a check-in's free text: binds it to user, date and field."""
    return f"checkin:{user_id}:{local_date}:{field}"


class CheckIn(Model):
    """One per user per local date (the user's own zone), every field but the date optional."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="checkins", on_delete=fields.CASCADE
    )
    local_date = fields.DateField()
    mood = fields.SmallIntField(null=True)
    craving = fields.SmallIntField(null=True)
    sleep_hours = fields.FloatField(null=True)
    sleep_quality = fields.SmallIntField(null=True)
    stress = fields.SmallIntField(null=True)
    energy = fields.SmallIntField(null=True)
    triggers: fields.JSONField[list[str]] = fields.JSONField(default=list)
    medication_taken = fields.CharEnumField(Medication, max_length=16, null=True)
    used_today = fields.BooleanField(null=True)
    # AES-GCM via crypto.Cipher with sealed_context(user_id, local_date, "note"|"gratitude").
    note_sealed = fields.TextField(null=True)
    gratitude_sealed = fields.TextField(null=True)
    client_updated_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    @staticmethod
    def export_sealed_context(row: dict[str, Any], field: str) -> str:
        """How export opens a ``*_sealed`` column of a row from ``values()``."""
        return sealed_context(row["user_id"], row["local_date"], field.removesuffix("_sealed"))

    class Meta:
        table = "checkins"
        unique_together = (("user", "local_date"),)


class PracticeSession(Model):
    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="practice_sessions", on_delete=fields.CASCADE
    )
    meditation_slug = fields.CharField(max_length=80, null=True)  # null: unguided
    started_at = fields.DatetimeField(db_index=True)
    planned_seconds = fields.IntField(null=True)
    actual_seconds = fields.IntField()
    completed = fields.BooleanField(default=False)
    source = fields.CharEnumField(PracticeSource, max_length=8, default=PracticeSource.APP)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "practice_sessions"


class ScreenerResult(Model):
    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="screener_results", on_delete=fields.CASCADE
    )
    instrument = fields.CharEnumField(Instrument, max_length=8)
    answers: fields.JSONField[list[int]] = fields.JSONField()
    total = fields.SmallIntField()
    band = fields.CharField(max_length=32)
    flags: fields.JSONField[list[str]] = fields.JSONField(default=list)
    taken_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "screener_results"


class SafetyEvent(Model):
    """A high-risk signal: the counselor side turns these into alerts."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="safety_events", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(SafetyKind, max_length=16)
    source_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "safety_events"


class SyncOp(Model):
    """An offline operation already applied: its op_id and the answer replayed for duplicates."""

    op_id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sync_ops", on_delete=fields.CASCADE
    )
    type = fields.CharField(max_length=32)
    status = fields.CharField(max_length=16)
    result: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "sync_ops"


class ChangeLog(Model):
    """Append-only feed for ``GET /sync?since=``: the cursor is the last id a device has seen.

    Writers append under a lock on the user's row, so one user's ids commit in order.
    """

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="changes", on_delete=fields.CASCADE
    )
    entity = fields.CharField(max_length=24)
    entity_id = fields.CharField(max_length=64)
    op = fields.CharField(max_length=8, default="upsert")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "change_log"
        indexes = (("user_id", "id"),)
