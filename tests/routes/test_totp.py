from __future__ import annotations

from datetime import timedelta

import httpx
import pyotp
from asgi_lifespan import LifespanManager

from tests.conftest import PASSWORD, SignedIn, http_client
from wellness.models.accounts import Role, Session
from wellness.services import accounts
from wellness.services.sessions import now, settle_touches


async def test_counselor_turns_on_a_second_factor_and_needs_it_to_sign_in(
    signed_in: SignedIn, client: httpx.AsyncClient,
) -> None:
    counselor = await signed_in("counselor", username="dr-ash")
    start = (await counselor.post("/api/v1/me/totp")).json()
    secret = start["secret"]
    assert start["otpauth_uri"].startswith("otpauth://totp/")
    r = await counselor.post("/api/v1/me/totp/confirm", json={"code": "000000"})
    if pyotp.TOTP(secret).now() != "000000":
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "code"
    r = await counselor.post("/api/v1/me/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 204
    assert (await counselor.get("/api/v1/me")).json()["totp_enabled"] is True

    creds = {"username": "dr-ash", "password": PASSWORD}
    r = await client.post("/api/v1/auth/login", json=creds)
    assert r.status_code == 401 and r.json()["totp_required"] is True
    assert "wellness" not in client.cookies
    r = await client.post("/api/v1/auth/login", json={**creds, "totp_code": "12345"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "totp_code"
    r = await client.post("/api/v1/auth/login",
                          json={**creds, "totp_code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200


async def test_deployment_can_require_a_second_factor_for_staff(make_app: object) -> None:
    app = make_app(require_counselor_totp=True)  # type: ignore[operator]
    async with LifespanManager(app), http_client(app) as c:
        await accounts.create_user(username="dr-bo", password=PASSWORD, display_name="Bo",
                                   role=Role.COUNSELOR)
        await accounts.create_user(username="kai", password=PASSWORD, display_name="Kai")
        assert (await c.post("/api/v1/auth/login",
                             json={"username": "dr-bo", "password": PASSWORD})).status_code == 200
        r = await c.post("/api/v1/admin/users", json={})
        assert r.status_code == 403 and r.json()["totp_setup_required"] is True
        assert (await c.get("/api/v1/me")).status_code == 200
        assert (await c.post("/api/v1/me/totp")).status_code == 200
        c.cookies.clear()
        r = await c.post("/api/v1/auth/login", json={"username": "kai", "password": PASSWORD})
        assert r.status_code == 200
        assert (await c.get("/api/v1/content/tips/today")).status_code == 200


async def test_staff_sessions_end_after_idle_time_and_clients_stay(
    signed_in: SignedIn,
) -> None:
    counselor = await signed_in("counselor")
    phone = await signed_in("client")
    # Both were last seen 45 minutes ago: past the staff idle limit, well within the client's.
    await Session.all().update(last_seen_at=now() - timedelta(minutes=45))
    assert (await counselor.get("/api/v1/me")).status_code == 401
    assert (await phone.get("/api/v1/me")).status_code == 200


async def test_absolute_timeout_ends_even_an_active_session(signed_in: SignedIn) -> None:
    phone = await signed_in("client")
    await Session.all().update(expires_at=now() - timedelta(seconds=1))
    assert (await phone.get("/api/v1/me")).status_code == 401
    assert await Session.all().count() == 0


async def test_profile_changes_are_validated_and_kept(signed_in: SignedIn) -> None:
    phone = await signed_in("client")
    r = await phone.patch("/api/v1/me", json={"timezone": "Europe/Lisbon", "hide_streaks": True,
                                              "quiet_start": "21:30"})
    assert r.status_code == 200
    me = (await phone.get("/api/v1/me")).json()
    assert (me["timezone"], me["hide_streaks"], me["quiet_start"]) == ("Europe/Lisbon", True,
                                                                        "21:30")
    r = await phone.patch("/api/v1/me", json={"quiet_end": "25:00"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "quiet_end"
    r = await phone.patch("/api/v1/me", json={"timezone": "Nowhere/Town"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "timezone"
    assert (await phone.get("/api/v1/me")).json()["timezone"] == "Europe/Lisbon"


async def test_activity_keeps_a_session_alive_without_waiting_for_the_writer(
    signed_in: SignedIn,
) -> None:
    phone = await signed_in("client")
    await Session.all().update(last_seen_at=now() - timedelta(minutes=45))
    assert (await phone.get("/api/v1/me")).status_code == 200
    await settle_touches()
    seen = (await Session.first()).last_seen_at  # type: ignore[union-attr]
    assert now() - seen < timedelta(seconds=30)  # the idle clock restarted
