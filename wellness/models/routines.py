"""Routines: named plans of items with a cadence; counselors keep templates and assign copies."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from wellness.models.accounts import User


class ItemKind(StrEnum):
    CHECKIN = "checkin"
    MEDITATION = "meditation"
    MEDITATION_TAG = "meditation_tag"
    TIP = "tip"
    SCREENER = "screener"
    CUSTOM = "custom"


class Routine(Model):
    id = fields.UUIDField(primary_key=True)
    # Who made it; a copy stays with its client when the counselor's account is erased.
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="routines_owned", on_delete=fields.SET_NULL, null=True
    )
    # The client who follows it; null for a counselor's template.
    client: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="routines", on_delete=fields.CASCADE, null=True
    )
    name = fields.CharField(max_length=80)
    is_template = fields.BooleanField(default=False)
    source_template: fields.ForeignKeyNullableRelation[Routine] = fields.ForeignKeyField(
        "models.Routine", related_name="copies", on_delete=fields.SET_NULL, null=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    items: fields.ReverseRelation[RoutineItem]

    class Meta:
        table = "routines"


class RoutineItem(Model):
    id = fields.UUIDField(primary_key=True)
    routine: fields.ForeignKeyRelation[Routine] = fields.ForeignKeyField(
        "models.Routine", related_name="items", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField(default=0)
    kind = fields.CharEnumField(ItemKind, max_length=16)
    target = fields.CharField(max_length=80, null=True)  # meditation slug, tag, tip, instrument
    text = fields.CharField(max_length=200, null=True)  # a custom activity, in plain words
    # ISO weekdays, 1 (Monday) to 7; or else times_per_week.
    days_of_week: fields.JSONField[list[int] | None] = fields.JSONField(null=True)
    times_per_week = fields.SmallIntField(null=True)
    local_time = fields.CharField(max_length=5, null=True)
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)

    class Meta:
        table = "routine_items"


class RoutineMark(Model):
    """A tip read or custom activity done on a local date: what the app cannot see by itself."""

    id = fields.BigIntField(primary_key=True)
    item: fields.ForeignKeyRelation[RoutineItem] = fields.ForeignKeyField(
        "models.RoutineItem", related_name="marks", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="routine_marks", on_delete=fields.CASCADE
    )
    local_date = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "routine_marks"
        unique_together = (("item", "local_date"),)
