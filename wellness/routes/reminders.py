"""The client's reminders: what to be nudged about, when, and on which days."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.models.accounts import Role
from wellness.models.nudges import ReminderKind
from wellness.openapi import operation
from wellness.security import current_user
from wellness.services import reminders
from wellness.services.nudges import utcnow
from wellness.validation import Strict, parse_body

Day = Annotated[int, Field(ge=0, le=6)]


class ReminderIn(Strict):
    id: int | None = None
    kind: ReminderKind
    local_time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
                            description="Local time, HH:MM (24-hour).")
    days_of_week: list[Day] = Field(default=[0, 1, 2, 3, 4, 5, 6], min_length=1, max_length=7,
                                    description="0 = Monday … 6 = Sunday.")
    enabled: bool = True
    label: str | None = Field(default=None, min_length=1, max_length=60,
                              description="Custom reminders only; never on a lock screen "
                                          "while notifications are discreet.")

    @field_validator("days_of_week")
    @classmethod
    def _unique(cls, days: list[int]) -> list[int]:
        if len(set(days)) != len(days):
            raise ValueError("Each day may appear once.")
        return days


class RemindersIn(Strict):
    reminders: list[ReminderIn] = Field(max_length=reminders.MAX_REMINDERS)


class ReminderOut(BaseModel):
    id: int
    kind: str
    label: str | None
    local_time: str
    days_of_week: list[int]
    enabled: bool
    next_fire_at: str | None
    eased: bool = Field(description="True while it comes every other time, after several "
                                    "went unopened; opening a nudge restores it.")
    in_quiet_hours: bool = Field(description="Inside quiet hours: shown in the app, not pushed.")
    routine_item_id: str | None


class RemindersOut(BaseModel):
    reminders: list[ReminderOut]
    timezone: str
    quiet_start: str
    quiet_end: str


def _shape(user_tz: str, quiet: tuple[str, str], items: list[dict[str, object]]) -> Response:
    return JSONResponse({"reminders": items, "timezone": user_tz,
                         "quiet_start": quiet[0], "quiet_end": quiet[1]})


@operation("My reminders", response=RemindersOut, tag="reminders")
async def get_reminders(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    items = await reminders.list_reminders(user)
    return _shape(user.timezone, (user.quiet_start, user.quiet_end), items)


@operation("Replace my reminders (items with an id keep their history)", body=RemindersIn,
           response=RemindersOut, tag="reminders")
async def put_reminders(request: Request) -> Response:
    user = await current_user(request, Role.CLIENT)
    data = await parse_body(request, RemindersIn)
    items = [reminders.ReminderInput(kind=r.kind, local_time=r.local_time,
                                     days_of_week=r.days_of_week, enabled=r.enabled,
                                     label=r.label, id=r.id) for r in data.reminders]
    out = await reminders.replace_reminders(user, items, utcnow())
    return _shape(user.timezone, (user.quiet_start, user.quiet_end), out)


routes = [
    Route("/reminders", get_reminders, methods=["GET"]),
    Route("/reminders", put_reminders, methods=["PUT"], name="put_reminders"),
]
