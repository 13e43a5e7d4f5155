from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from tests.conftest import SignedIn
from tests.linking import ALL_SCOPES, link
from wellness.models.alerts import Alert, AlertRule
from wellness.models.checkins import CheckIn, ScreenerResult
from wellness.services.alerts import claim_alert_pushes, evaluate_alert_rules


async def alerts_of(user: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    r = await user.get("/api/v1/alerts", params=params)
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["alerts"]
    return found


async def test_help_now_alerts_each_counselor_sharing_safety_alerts_at_once(
    signed_in: SignedIn,
) -> None:
    client = await signed_in("client", username="sky")
    sharing = await signed_in("counselor", username="sharing")
    not_sharing = await signed_in("counselor")
    await link(sharing, client, ["safety_alerts"])
    await link(not_sharing, client, ["checkin_summary", "screeners"])
    assert (await client.post("/api/v1/help-now")).status_code == 200

    r = await sharing.get("/api/v1/alerts")
    notice = r.json()["notice"]
    assert "not monitored around the clock" in notice and "988" in notice
    assert "911" in notice
    assert "tel:" not in notice and "call 988" in notice
    [alert] = r.json()["alerts"]
    assert (alert["rule"], alert["severity"], alert["state"]) == ("help_now", "high", "open")
    assert alert["client"]["display_name"] == "Sky"
    assert await alerts_of(not_sharing) == []

    # The client sees that the alert exists, and the same notice.
    r = await client.get("/api/v1/alerts")
    assert "not monitored around the clock" in r.json()["notice"]
    [mine] = r.json()["alerts"]
    assert mine["counselor"]["display_name"] == "Sharing" and "note" not in mine


async def test_a_high_craving_check_in_alerts_once(app: Starlette, signed_in: SignedIn) -> None:
    client = await signed_in("client")
    counselor = await signed_in("counselor")
    await link(counselor, client, ["safety_alerts"])
    today = datetime.now(UTC).date().isoformat()
    r = await client.put(f"/api/v1/checkins/{today}", json={"craving": 9})
    assert r.status_code in (200, 201), r.text
    [alert] = await alerts_of(counselor)
    assert alert["rule"] == "craving" and alert["detail"]["local_date"] == today
    # The scheduled rule sees the same craving and raises nothing new.
    result = await evaluate_alert_rules(app.state.settings, datetime.now(UTC))
    assert result.created == 0
    assert len(await alerts_of(counselor)) == 1


async def test_a_self_harm_answer_alerts(signed_in: SignedIn) -> None:
    client = await signed_in("client")
    counselor = await signed_in("counselor")
    await link(counselor, client, ["safety_alerts"])
    r = await client.post("/api/v1/screeners/phq9", json={"answers": [0] * 8 + [1]})
    assert r.status_code == 201, r.text
    assert [a["rule"] for a in await alerts_of(counselor)] == ["self_harm_item"]


async def make_client(signed_in: SignedIn, counselor: httpx.AsyncClient,
                      scopes: tuple[str, ...] = ALL_SCOPES) -> str:
    client = await signed_in("client")
    await link(counselor, client, scopes)
    user_id: str = client.user["id"]
    return user_id


async def checkin(user_id: str, days_ago: int, mood: int | None = 3,
                  craving: int | None = 2) -> None:
    day = datetime.now(UTC).date() - timedelta(days=days_ago)
    await CheckIn.create(user_id=user_id, local_date=day, mood=mood, craving=craving,
                         client_updated_at=datetime.now(UTC))


async def screener(user_id: str, days_ago: int, band: str) -> None:
    await ScreenerResult.create(id=uuid.uuid4(), user_id=user_id, instrument="phq9",
                                answers=[1] * 9, total=9, band=band,
                                taken_at=datetime.now(UTC) - timedelta(days=days_ago))


async def test_rules_on_synthetic_histories(app: Starlette, signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    quiet = await make_client(signed_in, counselor)
    for n in (4, 5, 6):
        await checkin(quiet, n)
    low = await make_client(signed_in, counselor)
    for n, mood in ((0, 2), (1, 1), (2, 2), (3, 4)):
        await checkin(low, n, mood=mood)
    fine = await make_client(signed_in, counselor)
    for n, mood in ((0, 2), (1, 2), (2, 3)):
        await checkin(fine, n, mood=mood)
    worse = await make_client(signed_in, counselor)
    await checkin(worse, 0)
    await screener(worse, 10, "mild")
    await screener(worse, 1, "moderate")
    better = await make_client(signed_in, counselor)
    await checkin(better, 0)
    await screener(better, 10, "moderately severe")
    await screener(better, 1, "mild")
    craving = await make_client(signed_in, counselor)
    await checkin(craving, 1, craving=9)
    hidden = await make_client(signed_in, counselor, ("practice",))
    await checkin(hidden, 6, mood=1)

    result = await evaluate_alert_rules(app.state.settings, datetime.now(UTC))
    found = {(a["client"]["id"], a["rule"]) for a in await alerts_of(counselor)}
    assert found == {
        (quiet, "no_checkin"), (low, "low_mood"), (worse, "screener_worse"),
        (craving, "craving"),
    }
    assert result.created == 4
    by_rule = {a["rule"]: a for a in await alerts_of(counselor)}
    assert by_rule["no_checkin"]["detail"]["days"] == 4
    assert by_rule["low_mood"]["detail"]["days"] == 3
    assert by_rule["screener_worse"]["detail"]["to_band"] == "moderate"
    # The same conditions do not spawn duplicates on the next tick.
    again = await evaluate_alert_rules(app.state.settings, datetime.now(UTC))
    assert again.created == 0
    assert await Alert.all().count() == 4


async def test_a_client_who_never_checked_in_is_flagged_after_n_days(
    app: Starlette, signed_in: SignedIn,
) -> None:
    counselor = await signed_in("counselor")
    client = await make_client(signed_in, counselor)
    now = datetime.now(UTC)
    assert (await evaluate_alert_rules(app.state.settings, now)).created == 0
    later = now + timedelta(days=app.state.settings.no_checkin_alert_days)
    assert (await evaluate_alert_rules(app.state.settings, later)).created == 1
    [alert] = await alerts_of(counselor)
    assert alert["client"]["id"] == client and alert["detail"]["last_checkin"] is None


async def test_an_unacknowledged_alert_is_raised_again_until_acknowledged(
    app: Starlette, signed_in: SignedIn,
) -> None:
    settings = app.state.settings
    client = await signed_in("client")
    counselor = await signed_in("counselor")
    await link(counselor, client, ["safety_alerts"])
    await client.post("/api/v1/help-now")
    now = datetime.now(UTC)
    [first] = await claim_alert_pushes(now)
    assert first.rule == AlertRule.HELP_NOW and await claim_alert_pushes(now) == []

    soon = now + timedelta(minutes=settings.alert_renotify_minutes - 1)
    assert (await evaluate_alert_rules(settings, soon)).renotified == 0
    late = now + timedelta(minutes=settings.alert_renotify_minutes + 1)
    assert (await evaluate_alert_rules(settings, late)).renotified == 1
    [alert] = await alerts_of(counselor)
    assert alert["notify_count"] == 2
    assert [a.id for a in await claim_alert_pushes(late)] == [first.id]

    r = await counselor.post(f"/api/v1/alerts/{alert['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    much_later = late + timedelta(days=1)
    assert (await evaluate_alert_rules(settings, much_later)).renotified == 0
    assert await claim_alert_pushes(much_later) == []


async def test_acknowledge_with_a_note_then_resolve(app: Starlette, signed_in: SignedIn) -> None:
    client = await signed_in("client")
    counselor = await signed_in("counselor")
    other = await signed_in("counselor")
    await link(counselor, client, ["safety_alerts"])
    await link(other, client, [])
    await client.post("/api/v1/help-now")
    [alert] = await alerts_of(counselor)
    url = f"/api/v1/alerts/{alert['id']}"
    assert (await other.post(f"{url}/acknowledge")).status_code == 404
    assert (await client.post(f"{url}/acknowledge")).status_code == 403
    r = await counselor.post(f"{url}/acknowledge", json={"note": "Called, SAFE-NOTE-XY"})
    assert r.status_code == 200
    assert r.json()["note"] == "Called, SAFE-NOTE-XY" and r.json()["acknowledged_at"]
    stored = await Alert.get(id=alert["id"])
    assert stored.note_sealed and "SAFE-NOTE" not in stored.note_sealed
    assert "SAFE-NOTE" not in (await client.get("/api/v1/alerts")).text
    r = await counselor.post(f"{url}/acknowledge", json={"nope": 1})
    assert r.status_code == 422
    r = await counselor.post(f"{url}/resolve")
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    assert (await counselor.post(f"{url}/acknowledge")).status_code == 409
    assert await alerts_of(counselor, state="open") == []
    assert len(await alerts_of(counselor, state="resolved")) == 1
    r = await counselor.get("/api/v1/alerts", params={"state": "gone"})
    assert r.status_code == 422
    # Seeing and handling the alert is in the client's access history.
    log = (await client.get("/api/v1/me/access-log")).json()["entries"]
    actions = {(e["resource"], e["action"], e["actor_id"]) for e in log}
    assert {("alerts", "read", counselor.user["id"]),
            ("alerts", "acknowledge", counselor.user["id"]),
            ("alerts", "resolve", counselor.user["id"])} <= actions


async def test_when_sharing_stops_the_alert_is_hidden_but_kept(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await signed_in("client")
    counselor = await signed_in("counselor")
    made = await link(counselor, client, ["safety_alerts"])
    await client.post("/api/v1/help-now")
    [alert] = await alerts_of(counselor)
    await client.patch(f"/api/v1/links/{made['id']}", json={"scopes": ["practice"]})
    assert await alerts_of(counselor) == []
    r = await counselor.post(f"/api/v1/alerts/{alert['id']}/acknowledge")
    assert r.status_code == 404
    assert await Alert.filter(id=alert["id"]).exists()
    # And no new alerts reach them while the scope is off, nor pushes about the old one.
    await client.post("/api/v1/help-now")
    assert await Alert.all().count() == 1
    late = datetime.now(UTC) + timedelta(days=1)
    assert (await evaluate_alert_rules(app.state.settings, late)).renotified == 1
    assert await claim_alert_pushes(late) == []
