"""Response models shared by several route modules (they feed the OpenAPI document)."""

from __future__ import annotations

from pydantic import BaseModel


class Profile(BaseModel):
    id: str
    username: str
    email: str | None
    display_name: str
    role: str
    timezone: str
    locale: str
    hide_streaks: bool
    discreet_notifications: bool
    quiet_start: str
    quiet_end: str
    totp_enabled: bool
    created_at: str
