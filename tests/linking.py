"""Helpers for tests of the counselor side: link a client to a counselor through the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

ALL_SCOPES = ("checkin_summary", "checkin_details", "notes", "practice", "screeners",
              "safety_alerts")


async def link(counselor: httpx.AsyncClient, client: httpx.AsyncClient,
               scopes: Sequence[str] = ALL_SCOPES) -> dict[str, Any]:
    r = await counselor.post("/api/v1/invites")
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/links", json={"code": r.json()["code"],
                                                 "scopes": list(scopes)})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data
