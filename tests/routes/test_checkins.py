from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.exceptions import InvalidTag
from starlette.applications import Starlette
from tortoise import connections

from tests.conftest import PG_URL, SignedIn
from wellness.crypto import Cipher
from wellness.models.checkins import CheckIn, SafetyEvent, sealed_context


def today_in(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def stamp(minutes: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


async def test_a_ten_second_checkin_and_a_full_one(signed_in: SignedIn) -> None:
    c = await signed_in("client", timezone="America/Chicago")
    day = today_in("America/Chicago").isoformat()
    r = await c.put(f"/api/v1/checkins/{day}", json={"mood": 3})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "applied"
    assert r.json()["checkin"]["mood"] == 3 and r.json()["checkin"]["craving"] is None
    assert "crisis" not in r.json()

    full = {"mood": 4, "craving": 2, "sleep_hours": 7.25, "sleep_quality": 4, "stress": 3,
            "energy": 4, "triggers": ["Stress", "people", "my cousin"],
            "medication_taken": "yes", "used_today": False, "note": "slow morning, ok later",
            "gratitude": "my sister called", "client_updated_at": stamp(1)}
    r = await c.put(f"/api/v1/checkins/{day}", json=full)
    assert r.status_code == 200
    got = (await c.get("/api/v1/checkins", params={"from": day, "to": day})).json()["checkins"]
    assert len(got) == 1
    assert got[0]["note"] == "slow morning, ok later" and got[0]["gratitude"] == "my sister called"
    assert got[0]["triggers"] == ["stress", "people", "my cousin"]
    assert got[0]["sleep_hours"] == 7.25 and got[0]["medication_taken"] == "yes"
    assert await CheckIn.filter(local_date=date.fromisoformat(day)).count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"mood": 6}, "mood"),
    ({"craving": -1}, "craving"),
    ({"sleep_hours": 7.3}, "sleep_hours"),
    ({"sleep_hours": 25}, "sleep_hours"),
    ({"medication_taken": "maybe"}, "medication_taken"),
    ({"triggers": ["a1", "b2"]}, "triggers"),
    ({"triggers": ["one", "two", "three", "four"]}, "triggers"),
    ({"colour": "blue"}, "colour"),
    ({"mood": 3, "client_updated_at": "2031-01-01T00:00:00+00:00"}, "client_updated_at"),
    ({"mood": 3, "client_updated_at": "1999-12-31T00:00:00+00:00"}, "client_updated_at"),
])
async def test_bad_fields_are_named_and_nothing_is_stored(signed_in: SignedIn, body: dict[str, object],
                                                          field: str) -> None:
    c = await signed_in("client")
    r = await c.put(f"/api/v1/checkins/{today_in('UTC')}", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == field
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", "20260101", "1999-12-31"])
async def test_the_path_date_must_be_a_real_date(signed_in: SignedIn, value: str) -> None:
    c = await signed_in("client")
    r = await c.put(f"/api/v1/checkins/{value}", json={"mood": 3})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "local_date"


async def test_tomorrow_is_allowed_but_not_later(signed_in: SignedIn) -> None:
    c = await signed_in("client", timezone="Pacific/Kiritimati")
    local = today_in("Pacific/Kiritimati")
    assert (await c.put(f"/api/v1/checkins/{local + timedelta(days=1)}",
                        json={"mood": 2})).status_code == 200
    r = await c.put(f"/api/v1/checkins/{local + timedelta(days=2)}", json={"mood": 2})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "local_date"


async def test_an_older_edit_does_not_overwrite_a_newer_one(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    day = today_in("UTC")
    newer = await c.put(f"/api/v1/checkins/{day}", json={"mood": 5, "client_updated_at": stamp(0)})
    assert newer.json()["status"] == "applied"
    older = await c.put(f"/api/v1/checkins/{day}",
                        json={"mood": 1, "client_updated_at": stamp(-30)})
    assert older.status_code == 200
    assert older.json()["status"] == "superseded"
    assert older.json()["checkin"]["mood"] == 5
    assert (await CheckIn.get(local_date=day)).mood == 5


async def test_a_high_craving_returns_crisis_resources_and_records_one_event(
        signed_in: SignedIn) -> None:
    c = await signed_in("client")
    day = today_in("UTC")
    low = await c.put(f"/api/v1/checkins/{day}", json={"craving": 7})
    assert "crisis" not in low.json()
    high = await c.put(f"/api/v1/checkins/{day}", json={"craving": 8, "client_updated_at": stamp(1)})
    crisis = high.json()["crisis"]
    assert crisis["contacts"] and "988" in str(crisis)
    again = await c.put(f"/api/v1/checkins/{day}", json={"craving": 9,
                                                         "client_updated_at": stamp(2)})
    assert "crisis" in again.json()
    events = await SafetyEvent.all()
    assert [e.kind.value for e in events] == ["craving"]


async def test_threshold_is_configuration(make_app: object) -> None:
    from asgi_lifespan import LifespanManager

    from tests.conftest import PASSWORD, http_client
    from wellness.models.accounts import Role
    from wellness.services import accounts

    app: Starlette = make_app(craving_alert_threshold=5)  # type: ignore[operator]
    async with LifespanManager(app):
        from tests.conftest import _empty_all_tables
        await _empty_all_tables()
        await accounts.create_user(username="low", password=PASSWORD, display_name="L",
                                   role=Role.CLIENT)
        async with http_client(app) as c:
            await c.post("/api/v1/auth/login", json={"username": "low", "password": PASSWORD})
            r = await c.put(f"/api/v1/checkins/{today_in('UTC')}", json={"craving": 5})
            assert "crisis" in r.json()


async def test_counselors_do_not_check_in(signed_in: SignedIn) -> None:
    c = await signed_in("counselor")
    assert (await c.put(f"/api/v1/checkins/{today_in('UTC')}", json={"mood": 3})).status_code == 403


async def test_list_filters_by_dates_and_names_bad_ones(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    today = today_in("UTC")
    for back in range(5):
        await c.put(f"/api/v1/checkins/{today - timedelta(days=back)}", json={"mood": 3})
    r = await c.get("/api/v1/checkins", params={"from": str(today - timedelta(days=2))})
    assert [x["local_date"] for x in r.json()["checkins"]] == [
        str(today - timedelta(days=d)) for d in (2, 1, 0)]
    bad = await c.get("/api/v1/checkins", params={"from": "soon"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.from"
    other = await signed_in("client")
    assert (await other.get("/api/v1/checkins")).json()["checkins"] == []


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite files")
async def test_the_database_file_holds_no_plaintext_note(signed_in: SignedIn,
                                                         app: Starlette) -> None:
    c = await signed_in("client")
    note, thanks = "walked past the old corner xq7 and kept going", "rain on the roof zz9"
    r = await c.put(f"/api/v1/checkins/{today_in('UTC')}",
                    json={"mood": 3, "note": note, "gratitude": thanks})
    assert r.status_code == 200
    path = Path(app.state.settings.database_url.removeprefix("sqlite://"))
    files = [path, path.with_name(path.name + "-wal")]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    # The files really hold the data written: the account name and the check-in are there.
    assert c.user["username"].encode() in raw  # type: ignore[attr-defined]
    assert b"kept going" not in raw and b"old corner" not in raw
    assert b"rain on the roof" not in raw
    # The note really went through the database: it comes back decrypted.
    got = (await c.get("/api/v1/checkins")).json()["checkins"][0]
    assert got["note"] == note and got["gratitude"] == thanks


async def test_notes_are_sealed_in_the_row_and_bound_to_their_date(signed_in: SignedIn,
                                                                   app: Starlette) -> None:
    c = await signed_in("client")
    today = today_in("UTC")
    yesterday = today - timedelta(days=1)
    await c.put(f"/api/v1/checkins/{today}", json={"note": "plain words qq1"})
    await c.put(f"/api/v1/checkins/{yesterday}", json={"note": "other words qq2"})
    rows = await connections.get("default").execute_query_dict(
        "SELECT local_date, note_sealed, gratitude_sealed FROM checkins")
    assert len(rows) == 2
    # (base64url ciphertext has no spaces, so it cannot contain these by chance)
    assert all("plain words" not in str(row) and "other words" not in str(row) for row in rows)
    sealed = {str(row["local_date"]): row["note_sealed"] for row in rows}
    cipher = Cipher(app.state.settings.data_key)
    uid = c.user["id"]  # type: ignore[attr-defined]
    assert cipher.open(sealed[str(today)], sealed_context(uid, today, "note")) == "plain words qq1"
    # A sealed note copied onto another date (or field) does not open.
    with pytest.raises(InvalidTag):
        cipher.open(sealed[str(today)], sealed_context(uid, yesterday, "note"))
    with pytest.raises(InvalidTag):
        cipher.open(sealed[str(today)], sealed_context(uid, today, "gratitude"))


async def test_listing_refuses_a_range_it_would_have_to_cut(signed_in: SignedIn) -> None:
    phone = await signed_in("client")
    for day in ("2025-01-01", "2026-11-01"):
        assert (await phone.put(f"/api/v1/checkins/{day}", json={"mood": 3})).status_code == 200
    r = await phone.get("/api/v1/checkins", params={"from": "2024-01-01", "to": "2026-11-02"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.from"
    r = await phone.get("/api/v1/checkins", params={"from": "2026-11-02", "to": "2026-11-01"})
    assert r.status_code == 422
    r = await phone.get("/api/v1/checkins", params={"from": "2025-01-01", "to": "2025-12-31"})
    assert [c["local_date"] for c in r.json()["checkins"]] == ["2025-01-01"]
