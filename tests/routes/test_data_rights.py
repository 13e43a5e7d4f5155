from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
from starlette.applications import Starlette
from tortoise import Tortoise

from tests.conftest import PASSWORD, SignedIn
from tests.fakes.push_service import FakePushService
from tests.linking import link
from wellness.crypto import keyed_hash
from wellness.models.accounts import AccountTombstone, Session, User
from wellness.services import nudges


async def fill(c: httpx.AsyncClient) -> None:
    today = datetime.now(UTC).date()
    for ago in range(3):
        r = await c.put(f"/api/v1/checkins/{today - timedelta(days=ago)}",
                        json={"mood": 3, "craving": 9 if ago == 0 else 1, "note": f"note {ago}",
                              "gratitude": "tea"})
        assert r.status_code == 200
    for _ in range(2):
        await c.post("/api/v1/practice-sessions", json={
            "started_at": datetime.now(UTC).isoformat(), "actual_seconds": 300})
    await c.post("/api/v1/screeners/phq9", json={"answers": [1, 1, 1, 1, 1, 1, 1, 1, 1]})
    await c.post("/api/v1/help-now")
    await c.post("/api/v1/sync", json={"ops": [{
        "op_id": str(uuid.uuid4()), "type": "practice.create",
        "data": {"started_at": datetime.now(UTC).isoformat(), "actual_seconds": 30},
        "client_updated_at": datetime.now(UTC).isoformat()}]})


async def referencing_counts(user_id: str) -> dict[str, int]:
    """Independently of the code under test: rows in any table with a foreign key to User."""
    found: dict[str, set[object]] = {}
    for app in Tortoise.apps.values():
        for model in app.values():
            for name in model._meta.fk_fields | model._meta.o2o_fields:
                field = model._meta.fields_map[name]
                if field.related_model is User:  # type: ignore[attr-defined]
                    pks = await model.filter(**{field.source_field: user_id}).values_list(  # type: ignore[attr-defined]
                        model._meta.pk_attr, flat=True)
                    found.setdefault(model._meta.db_table, set()).update(pks)
    return {table: len(pks) for table, pks in found.items()}


async def test_export_holds_everything_with_notes_decrypted(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    other = await signed_in("client")
    await fill(c)
    await fill(other)
    r = await c.get("/api/v1/me/export")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    body = r.json()
    stored = await referencing_counts(c.user["id"])  # type: ignore[attr-defined]
    by_key = {t: n for t, n in body["counts"].items()
              if t not in {"users", "access_history", "routine_items"}}  # rows found by name
    assert by_key == stored
    for table, rows in body["tables"].items():
        assert len(rows) == body["counts"][table]
    assert body["counts"]["checkins"] == 3 and body["counts"]["practice_sessions"] == 3
    assert body["counts"]["screener_results"] == 1 and body["counts"]["safety_events"] == 3
    assert body["counts"]["users"] == 1
    notes = sorted(row["note"] for row in body["tables"]["checkins"])
    assert notes == ["note 0", "note 1", "note 2"]
    assert all(row["gratitude"] == "tea" for row in body["tables"]["checkins"])
    text = r.text
    for secret in ("password_hash", "token_hash", "totp_secret", "note_sealed", "$argon2"):
        assert secret not in text
    assert {row["user_id"] for row in body["tables"]["checkins"]} == {c.user["id"]}  # type: ignore[attr-defined]


async def test_csv_export_is_a_zip_with_one_file_per_table(signed_in: SignedIn) -> None:
    c = await signed_in("client")
    await fill(c)
    r = await c.get("/api/v1/me/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(archive.namelist())
    assert {"users.csv", "checkins.csv", "practice_sessions.csv", "screener_results.csv",
            "safety_events.csv", "export.json"} <= names
    rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert len(rows) == 3 and sorted(r["note"] for r in rows) == ["note 0", "note 1", "note 2"]
    assert rows[0]["triggers"] == "[]"
    bad = await c.get("/api/v1/me/export", params={"format": "pdf"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.format"


async def test_delete_me_erases_every_row_and_keeps_a_tombstone(signed_in: SignedIn,
                                                                app: object) -> None:
    c = await signed_in("client")
    other = await signed_in("client")
    await fill(c)
    await fill(other)
    uid = c.user["id"]  # type: ignore[attr-defined]
    assert sum((await referencing_counts(uid)).values()) > 10
    wrong = await c.request("DELETE", "/api/v1/me", json={"password": "not it"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "password"
    assert await User.filter(id=uid).exists()
    r = await c.request("DELETE", "/api/v1/me", json={"password": PASSWORD})
    assert r.status_code == 204
    assert not await User.filter(id=uid).exists()
    assert sum((await referencing_counts(uid)).values()) == 0
    assert await Session.filter(user_id=uid).count() == 0
    assert (await c.get("/api/v1/me")).status_code == 401
    settings = app.state.settings  # type: ignore[attr-defined]
    tomb = await AccountTombstone.get(user_hash=keyed_hash(settings.secret_key, uid))
    assert tomb.role == "client"
    # Nobody else's data went with it.
    others = await referencing_counts(other.user["id"])  # type: ignore[attr-defined]
    assert others["checkins"] == 3 and others["sessions"] == 1
    assert (await other.get("/api/v1/today")).status_code == 200


async def test_export_holds_reminders_nudges_links_routines_alerts_and_access_history(
        app: Starlette, signed_in: SignedIn) -> None:
    counselor = await signed_in("counselor")
    client = await signed_in("client")
    await link(counselor, client)
    template = await counselor.post("/api/v1/routines", json={"name": "Mornings", "items": [
        {"kind": "checkin", "days_of_week": [1, 2, 3, 4, 5, 6, 7], "local_time": "08:00"}]})
    cid = client.user["id"]  # type: ignore[attr-defined]
    r = await counselor.post(f"/api/v1/clients/{cid}/routines",
                             json={"template_id": template.json()["id"]})
    assert r.status_code == 201
    await client.put("/api/v1/reminders", json={"reminders": [
        {"kind": "meditation", "local_time": "19:00"}]})
    sub = FakePushService().subscription().as_json()
    assert (await client.post("/api/v1/push/subscriptions", json=sub)).status_code == 201
    await nudges.plan_due_reminders(app.state.catalog, datetime.now(UTC) + timedelta(days=2))
    assert (await client.post("/api/v1/help-now")).status_code in (200, 201)
    alert = (await counselor.get("/api/v1/alerts")).json()["alerts"][0]
    r = await counselor.post(f"/api/v1/alerts/{alert['id']}/acknowledge",
                             json={"note": "Called back, safe at home"})
    assert r.status_code == 200
    assert (await counselor.get(f"/api/v1/clients/{cid}/summary")).status_code == 200

    r = await client.get("/api/v1/me/export")
    body, text = r.json(), r.text
    counts = body["counts"]
    for table in ("reminders", "nudges", "push_subscriptions", "links", "routines",
                  "routine_items", "alerts", "access_history"):
        assert counts[table] >= 1, table
    assert counts["reminders"] == 2 and counts["nudges"] >= 2
    assert body["tables"]["alerts"][0]["note"] == "Called back, safe at home"
    assert {row["subject_id"] for row in body["tables"]["access_history"]} == {cid}
    assert {"summary", "alerts"} <= {row["resource"] for row in body["tables"]["access_history"]}
    assert body["tables"]["routine_items"][0]["local_time"] == "08:00"
    for secret in (sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], "note_sealed",
                   "prev_hash"):
        assert secret not in text
    archive = zipfile.ZipFile(io.BytesIO(
        (await client.get("/api/v1/me/export", params={"format": "csv"})).content))
    for table in ("reminders", "nudges", "push_subscriptions", "links", "routines",
                  "routine_items", "alerts", "access_history"):
        rows = list(csv.DictReader(io.StringIO(archive.read(f"{table}.csv").decode())))
        assert len(rows) == counts[table], table
    alerts_csv = archive.read("alerts.csv").decode()
    assert "Called back, safe at home" in alerts_csv

    mine = (await counselor.get("/api/v1/me/export")).json()
    assert mine["counts"]["links"] == 1 and mine["counts"]["invites"] == 1
    assert {row["is_template"] for row in mine["tables"]["routines"]} == {True, False}
    assert mine["counts"]["routine_items"] == 2
    assert mine["tables"]["alerts"][0]["note"] == "Called back, safe at home"
    assert {row["actor_id"] for row in mine["tables"]["access_history"]} == {
        counselor.user["id"]}  # type: ignore[attr-defined]
