from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.conftest import SignedIn
from tests.linking import ALL_SCOPES, link
from wellness.crypto import Cipher
from wellness.models.accounts import User
from wellness.models.checkins import CheckIn, PracticeSession, ScreenerResult, sealed_context
from wellness.models.links import Link
from wellness.models.routines import ItemKind, Routine, RoutineItem

NAME = "Markedclient"
# One marker per scope that has free text; each must appear only where its scope allows.
MARKERS = {
    "checkin_details": "zebradetail",
    "notes": "NOTE-MARKER-Q7",
    "practice": "practice-marker-slug",
    "screeners": "screener-marker-flag",
}
ENDPOINTS = ("summary", "checkins", "report")


async def add_history(app: Starlette, user_id: Any, days: int = 3) -> None:
    cipher = Cipher(app.state.settings.data_key)
    today = datetime.now(UTC).date()
    for n in range(days):
        day = today - timedelta(days=n)
        await CheckIn.create(
            user_id=user_id, local_date=day, mood=2 + n % 3, craving=3, sleep_hours=7.25,
            stress=4, energy=3, triggers=[MARKERS["checkin_details"]], used_today=False,
            note_sealed=cipher.seal(MARKERS["notes"], sealed_context(user_id, day, "note")),
            gratitude_sealed=cipher.seal("GRAT-MARKER-Q7",
                                         sealed_context(user_id, day, "gratitude")),
            client_updated_at=datetime.now(UTC))
    await PracticeSession.create(
        id=uuid.uuid4(), user_id=user_id, meditation_slug=MARKERS["practice"],
        started_at=datetime.now(UTC) - timedelta(hours=1), actual_seconds=600, completed=True)
    await ScreenerResult.create(
        id=uuid.uuid4(), user_id=user_id, instrument="phq9", answers=[1] * 9, total=9,
        band="mild", flags=[MARKERS["screeners"]], taken_at=datetime.now(UTC))


async def marked_client(app: Starlette, signed_in: SignedIn) -> httpx.AsyncClient:
    client = await signed_in("client", username=NAME.lower())
    await add_history(app, client.user["id"])
    return client


async def read(reader: httpx.AsyncClient, client_id: str, what: str) -> httpx.Response:
    return await reader.get(f"/api/v1/clients/{client_id}/{what}")


def assert_no_client_data(text: str) -> None:
    assert NAME not in text
    for marker in (*MARKERS.values(), "GRAT-MARKER"):
        assert marker not in text


async def test_everyone_but_a_linked_counselor_is_refused_and_sees_nothing(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await marked_client(app, signed_in)
    cid = client.user["id"]
    other_client = await signed_in("client")
    admin = await signed_in("admin")
    unlinked = await signed_in("counselor")
    for reader, status in ((client, 403), (other_client, 403), (admin, 403), (unlinked, 404)):
        for what in ENDPOINTS:
            r = await read(reader, cid, what)
            assert r.status_code == status, (reader.user["role"], what)
            assert r.headers["content-type"] == "application/problem+json"
            assert_no_client_data(r.text)
        r = await reader.get("/api/v1/caseload")
        assert_no_client_data(r.text)
    # An unlinked client answers exactly like a client that does not exist.
    for what in ENDPOINTS:
        real = await read(unlinked, cid, what)
        missing = await read(unlinked, str(uuid.uuid4()), what)
        assert (real.status_code, real.json()["detail"]) == (
            missing.status_code, missing.json()["detail"])
    assert (await unlinked.get("/api/v1/caseload")).json() == {"clients": []}


async def test_a_counselor_with_every_scope_sees_every_section(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await marked_client(app, signed_in)
    counselor = await signed_in("counselor")
    await link(counselor, client, ALL_SCOPES)
    summary = await read(counselor, client.user["id"], "summary")
    assert summary.status_code == 200
    body = summary.json()
    assert set(body) >= {"checkin_summary", "checkins", "practice", "screeners", "alerts"}
    assert body["checkin_summary"]["days_with_checkin"] == 3
    assert body["checkins"][-1]["note"] == MARKERS["notes"]
    for marker in MARKERS.values():
        assert marker in summary.text
    checkins = (await read(counselor, client.user["id"], "checkins")).json()["checkins"]
    assert len(checkins) == 3 and checkins[0]["mood"] is not None
    report = await read(counselor, client.user["id"], "report")
    assert report.headers["content-type"].startswith("text/html")
    for marker in MARKERS.values():
        assert marker in report.text
    row = (await counselor.get("/api/v1/caseload")).json()["clients"][0]
    assert row["client"]["display_name"] == NAME
    assert len(row["mood_7d"]) == 7 and row["mood_7d"][-1] == 2
    assert row["practice_minutes_7d"] == 10 and row["open_alerts"] == 0


@pytest.mark.parametrize("scope", ALL_SCOPES)
async def test_without_a_scope_its_data_is_absent_everywhere(
    app: Starlette, signed_in: SignedIn, scope: str,
) -> None:
    client = await marked_client(app, signed_in)
    counselor = await signed_in("counselor")
    await link(counselor, client, [s for s in ALL_SCOPES if s != scope])
    cid = client.user["id"]
    texts = [(await read(counselor, cid, what)).text for what in ENDPOINTS]
    texts.append((await counselor.get("/api/v1/caseload")).text)
    for text in texts:
        if scope in MARKERS:
            assert MARKERS[scope] not in text
    for other, marker in MARKERS.items():
        if other != scope:  # what is still shared still shows, in the summary and the report
            assert marker in texts[0] and marker in texts[2]
    summary = (await read(counselor, cid, "summary")).json()
    row = (await counselor.get("/api/v1/caseload")).json()["clients"][0]
    checkins = (await read(counselor, cid, "checkins")).json()["checkins"]
    if scope == "checkin_summary":
        assert "checkin_summary" not in summary and "mood_7d" not in row
        assert all("mood" not in c and "craving" not in c for c in checkins)
    if scope == "checkin_details":
        assert all("sleep_hours" not in c and "triggers" not in c for c in checkins)
    if scope == "notes":
        assert all("note" not in c and "gratitude" not in c for c in checkins)
        assert "GRAT-MARKER" not in texts[0] + texts[2]
    if scope == "practice":
        assert "practice" not in summary and "practice_minutes_7d" not in row
    if scope == "screeners":
        assert "screeners" not in summary


async def test_a_link_with_nothing_shared_shows_only_the_name(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await marked_client(app, signed_in)
    counselor = await signed_in("counselor")
    await link(counselor, client, [])
    cid = client.user["id"]
    summary = (await read(counselor, cid, "summary")).json()
    assert set(summary) == {"client", "scopes", "from", "to"}
    r = await read(counselor, cid, "checkins")
    assert r.status_code == 403
    assert_no_client_data(r.text)
    row = (await counselor.get("/api/v1/caseload")).json()["clients"][0]
    assert set(row) == {"client", "link_id", "scopes"}


async def test_revoking_a_scope_or_the_link_applies_to_the_next_request(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await marked_client(app, signed_in)
    counselor = await signed_in("counselor")
    made = await link(counselor, client, ALL_SCOPES)
    cid = client.user["id"]
    assert MARKERS["notes"] in (await read(counselor, cid, "checkins")).text
    r = await client.patch(f"/api/v1/links/{made['id']}",
                           json={"scopes": ["checkin_summary", "practice"]})
    assert r.status_code == 200
    text = (await read(counselor, cid, "checkins")).text
    assert MARKERS["notes"] not in text and MARKERS["checkin_details"] not in text
    assert MARKERS["screeners"] not in (await read(counselor, cid, "summary")).text
    assert (await client.delete(f"/api/v1/links/{made['id']}")).status_code == 204
    for what in ENDPOINTS:
        r = await read(counselor, cid, what)
        assert r.status_code == 404
        assert_no_client_data(r.text)
    assert (await counselor.get("/api/v1/caseload")).json() == {"clients": []}


async def test_report_is_printable_html_with_scope_and_dates_and_no_inline_code(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await marked_client(app, signed_in)
    counselor = await signed_in("counselor")
    await link(counselor, client, ["checkin_summary", "practice"])
    r = await counselor.get(f"/api/v1/clients/{client.user['id']}/report",
                            params={"from": "2026-01-01", "to": "2026-01-31"})
    assert r.status_code == 200
    html = r.text
    assert "2026-01-01" in html and "2026-01-31" in html
    assert "check-in summary" in html and "practice" in html and "notes" not in html.lower()
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert '<link rel="stylesheet" href="/api/v1/report.css">' in html
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    css = await counselor.get("/api/v1/report.css")
    assert css.status_code == 200 and "@media print" in css.text
    assert css.headers["content-type"].startswith("text/css")
    bad = await counselor.get(f"/api/v1/clients/{client.user['id']}/report",
                              params={"from": "2026-02-01", "to": "2026-01-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.from"
    bad = await counselor.get(f"/api/v1/clients/{client.user['id']}/summary",
                              params={"from": "yesterday"})
    assert bad.status_code == 422


async def test_every_counselor_read_is_in_the_clients_access_log(
    app: Starlette, signed_in: SignedIn,
) -> None:
    client = await marked_client(app, signed_in)
    counselor = await signed_in("counselor", username="watcher")
    stranger = await signed_in("counselor", username="stranger")
    await link(counselor, client, ["checkin_summary"])
    cid = client.user["id"]
    await counselor.get("/api/v1/caseload")
    for what in ENDPOINTS:
        await read(counselor, cid, what)
        await read(stranger, cid, what)
    await client.patch(
        f"/api/v1/links/{(await client.get('/api/v1/links')).json()['links'][0]['id']}",
        json={"scopes": ["practice"]})
    assert (await read(counselor, cid, "checkins")).status_code == 403

    log = (await client.get("/api/v1/me/access-log")).json()["entries"]
    seen = [(e["actor_name"], e["resource"], e["outcome"]) for e in reversed(log)]
    assert seen == [
        ("Watcher", "caseload", "allowed"),
        ("Watcher", "summary", "allowed"), ("Stranger", "summary", "not_found"),
        ("Watcher", "checkins", "allowed"), ("Stranger", "checkins", "not_found"),
        ("Watcher", "report", "allowed"), ("Stranger", "report", "not_found"),
        ("Watcher", "checkins", "denied"),
    ]
    assert log[-1]["scopes"] == ["checkin_summary"]
    # Someone else's history is not mine.
    assert (await counselor.get("/api/v1/me/access-log")).json()["entries"] == []
    page = (await client.get("/api/v1/me/access-log",
                             params={"limit": 2, "before_id": log[0]["id"]})).json()["entries"]
    assert [e["id"] for e in page] == [log[1]["id"], log[2]["id"]]
    assert (await client.get("/api/v1/me/access-log", params={"limit": 0})).status_code == 422


class QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "connection pool" not in record.getMessage():
            self.count += 1


@pytest.fixture
def queries() -> Iterator[QueryCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(level)


async def add_linked_clients(app: Starlette, counselor_id: str, start: int, count: int) -> None:
    today = datetime.now(UTC).date()
    users = [User(id=uuid.uuid4(), username=f"bulk{start + n}", password_hash="x",
                  display_name=f"Bulk {start + n}", timezone="America/Chicago")
             for n in range(count)]
    await User.bulk_create(users)
    await Link.bulk_create([Link(id=uuid.uuid4(), counselor_id=counselor_id, client_id=u.id,
                                 scopes=list(ALL_SCOPES)) for u in users])
    await CheckIn.bulk_create([CheckIn(user_id=u.id, local_date=today - timedelta(days=d),
                                       mood=3, craving=2, client_updated_at=datetime.now(UTC))
                               for u in users for d in range(2)])
    for u in users:
        routine = await Routine.create(owner_id=counselor_id, client_id=u.id, name="Daily")
        await RoutineItem.create(routine_id=routine.id, kind=ItemKind.CHECKIN,
                                 days_of_week=[1, 2, 3, 4, 5, 6, 7],
                                 start_date=today - timedelta(days=10))


async def test_caseload_queries_do_not_grow_with_the_caseload(
    app: Starlette, signed_in: SignedIn, queries: QueryCounter,
) -> None:
    counselor = await signed_in("counselor")
    await add_linked_clients(app, counselor.user["id"], 0, 5)
    await counselor.get("/api/v1/caseload")  # warm up: nothing here is cached, but be fair

    queries.count = 0
    small = await counselor.get("/api/v1/caseload")
    small_count = queries.count
    await add_linked_clients(app, counselor.user["id"], 5, 195)
    queries.count = 0
    large = await counselor.get("/api/v1/caseload")
    large_count = queries.count

    assert len(small.json()["clients"]) == 5 and len(large.json()["clients"]) == 200
    assert all(row["adherence_7d"] is not None for row in large.json()["clients"])
    assert small_count == large_count, (small_count, large_count)
    assert 8 < small_count < 25
