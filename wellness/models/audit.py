"""Access history: an append-only, hash-chained record of every counselor read of client data."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """Never updated or deleted by the app: ids are strings so rows outlive the accounts."""

    id = fields.BigIntField(primary_key=True)
    actor_id = fields.CharField(max_length=64)
    actor_role = fields.CharField(max_length=16)
    subject_id = fields.CharField(max_length=64, db_index=True)
    resource = fields.CharField(max_length=32)
    scopes = fields.CharField(max_length=200, default="")
    action = fields.CharField(max_length=16, default="read")
    outcome = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "audit_entries"
