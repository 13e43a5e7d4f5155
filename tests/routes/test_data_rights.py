from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
from tortoise import Tortoise

from tests.conftest import PASSWORD, SignedIn
from wellness.crypto import keyed_hash
from wellness.models.accounts import AccountTombstone, Session, User


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
    assert {t: n for t, n in body["counts"].items() if t != "users"} == stored
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
