"""Counselor invites and the consented links a client makes with them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from wellness.models.accounts import User


class Scope(StrEnum):
    CHECKIN_SUMMARY = "checkin_summary"
    CHECKIN_DETAILS = "checkin_details"
    NOTES = "notes"
    PRACTICE = "practice"
    SCREENERS = "screeners"
    SAFETY_ALERTS = "safety_alerts"


class Invite(Model):
    """A single-use code a counselor reads aloud: only its keyed hash is stored."""

    id = fields.BigIntField(primary_key=True)
    counselor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="invites", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    redeemed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invites"


class Link(Model):
    """What one client shares with one counselor: ``ended_at`` set means nothing is shared."""

    id = fields.UUIDField(primary_key=True)
    counselor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="client_links", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="counselor_links", on_delete=fields.CASCADE
    )
    scopes: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    ended_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "links"
        indexes = (("counselor_id", "ended_at"), ("client_id", "ended_at"))
