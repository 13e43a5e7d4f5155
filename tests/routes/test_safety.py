from __future__ import annotations

from tests.conftest import SignedIn
from wellness.models.checkins import SafetyEvent


async def test_help_now_answers_with_crisis_resources_and_records_an_event(
        signed_in: SignedIn) -> None:
    c = await signed_in("client")
    r = await c.post("/api/v1/help-now")
    assert r.status_code == 200
    crisis = r.json()["crisis"]
    assert any("988" in str(contact) for contact in crisis["contacts"])
    assert crisis["disclaimer"]
    events = await SafetyEvent.filter(user_id=c.user["id"])  # type: ignore[attr-defined]
    assert [e.kind.value for e in events] == ["help_now"]


async def test_help_now_needs_a_signed_in_client(signed_in: SignedIn, client: object) -> None:
    r = await client.post("/api/v1/help-now")  # type: ignore[attr-defined]
    assert r.status_code == 401
    assert await SafetyEvent.all().count() == 0
