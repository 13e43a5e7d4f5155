"""Counselor alerts: raised by rules, kept until resolved, whatever happens to notifications."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from wellness.models.accounts import User


class AlertRule(StrEnum):
    SELF_HARM_ITEM = "self_harm_item"
    HELP_NOW = "help_now"
    CRAVING = "craving"
    NO_CHECKIN = "no_checkin"
    LOW_MOOD = "low_mood"
    SCREENER_WORSE = "screener_worse"


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"


class Alert(Model):
    id = fields.UUIDField(primary_key=True)
    counselor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="alerts_received", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="alerts_about", on_delete=fields.CASCADE
    )
    rule = fields.CharEnumField(AlertRule, max_length=24)
    severity = fields.CharEnumField(Severity, max_length=8)
    state = fields.CharEnumField(AlertState, max_length=16, default=AlertState.OPEN)
    # One condition, one alert: counselor, rule, client and what makes the condition distinct.
    dedupe_key = fields.CharField(max_length=200, unique=True)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    note_sealed = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    last_notified_at = fields.DatetimeField()
    notify_count = fields.IntField(default=1)
    # When set, a push is owed; the nudge dispatcher claims it (services.alerts.claim_alert_pushes).
    push_due_at = fields.DatetimeField(null=True, db_index=True)
    acknowledged_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)

    @staticmethod
    def export_sealed_context(row: dict[str, Any], field: str) -> str:
        """How export opens ``note_sealed``: the context services.alerts seals it with."""
        return f"alert:{row['id']}:{field.removesuffix('_sealed')}"

    class Meta:
        table = "alerts"
        indexes = (("counselor_id", "state"), ("state", "last_notified_at"))
