"""Canary values sent through every endpoint that takes them never appear in the logs."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import PASSWORD
from wellness.logs import JsonFormatter, configure_logging


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and up, formatted as the server formats it."""
    configure_logging("DEBUG")
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        yield sink
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)


async def test_no_secret_or_health_data_reaches_the_logs(
    client: httpx.AsyncClient, captured: io.StringIO,
) -> None:
    canary = uuid.uuid4().hex
    password = f"pw-{canary}-long enough"
    note = f"note-{canary}"
    gratitude = f"grateful-{canary}"
    r = await client.post("/api/v1/auth/register", json={
        "username": "canary", "password": password, "display_name": f"name-{canary}",
        "email": f"mail-{canary}@example.org"})
    assert r.status_code == 201
    token = client.cookies.get("wellness")
    assert token
    bad_login = await client.post("/api/v1/auth/login",
                                  json={"username": "canary", "password": f"wrong-{canary}"})
    assert bad_login.status_code == 401
    r = await client.put("/api/v1/checkins/2026-11-20", json={
        "mood": 2, "craving": 9, "note": note, "gratitude": gratitude,
        "triggers": ["stress", "rainy days"]})
    assert r.status_code == 200, r.text
    sync_note = f"sync-{canary}"
    r = await client.post("/api/v1/sync", json={"ops": [{
        "op_id": str(uuid.uuid4()), "type": "checkin.upsert",
        "client_updated_at": "2026-11-21T08:00:00Z",
        "data": {"local_date": "2026-11-21", "craving": 10, "note": sync_note}}]})
    assert r.status_code == 200, r.text
    r = await client.post("/api/v1/screeners/phq9", json={"answers": [3, 3, 3, 3, 3, 3, 3, 3, 2]})
    assert r.status_code in (200, 201), r.text
    await client.post("/api/v1/help-now", json={})
    await client.post("/api/v1/me/password",
                      json={"current_password": f"wrong-{canary}", "new_password": password})
    r = await client.request("DELETE", "/api/v1/me", json={"password": password})
    assert r.status_code in (200, 204), r.text

    logged = captured.getvalue()
    assert '"path": "/api/v1/checkins/{local_date}"' in logged, "requests were not logged"
    for secret in (canary, PASSWORD, token, "2026-11-20"):
        assert secret not in logged
    for word in ('"craving"', '"mood"', '"answers"', '"note"', '"total"'):
        assert word not in logged
