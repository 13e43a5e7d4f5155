"""The database layer: hand-written reads (`fetch`) and SQLite's reader pool beside its writer."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from tests.conftest import PG_URL
from wellness.config import Settings
from wellness.db import as_date, as_datetime, fetch, tortoise_config
from wellness.models.checkins import CheckIn
from wellness.services import accounts
from wellness.sqlite import ReadPoolSqliteClient

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="the reader pool is SQLite's")


async def _client_with_checkins(days: int) -> uuid.UUID:
    user = await accounts.create_user(username=f"reader{uuid.uuid4().hex[:8]}",
                                      password="correct horse battery staple",
                                      display_name="Reader")
    stamp = datetime.now(UTC)
    await CheckIn.bulk_create([
        CheckIn(user_id=user.id, local_date=date(2026, 3, 1) + timedelta(days=d), mood=1 + d % 5,
                client_updated_at=stamp) for d in range(days)])
    return user.id


async def test_fetch_binds_uuids_dates_and_lists_on_either_database(app: Starlette) -> None:
    first, second = await _client_with_checkins(5), await _client_with_checkins(3)
    rows = await fetch(
        "SELECT user_id, local_date, mood FROM checkins WHERE user_id IN (?) AND local_date >= ? "
        "ORDER BY local_date", [first, second], date(2026, 3, 3))
    assert sorted(str(r["user_id"]) for r in rows) == sorted([str(first)] * 3 + [str(second)])
    assert [as_date(r["local_date"]) for r in rows if str(r["user_id"]) == str(first)] == [
        date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)]
    stamps = await fetch("SELECT client_updated_at FROM checkins WHERE user_id = ?", second)
    assert all(as_datetime(r["client_updated_at"]).tzinfo is not None for r in stamps)
    assert await fetch("SELECT mood FROM checkins WHERE user_id IN (?)", []) == []


async def test_fetch_refuses_a_placeholder_count_that_does_not_match(app: Starlette) -> None:
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        await fetch("SELECT 1 FROM checkins WHERE user_id = ? AND local_date = ?", uuid.uuid4())


async def test_fetch_inside_a_transaction_reads_its_own_writes(app: Starlette) -> None:
    user_id = await _client_with_checkins(1)
    async with in_transaction():
        await CheckIn.filter(user_id=user_id).update(mood=5)
        inside = await fetch("SELECT mood FROM checkins WHERE user_id = ?", user_id)
        assert [r["mood"] for r in inside] == [5]
    assert [r["mood"] for r in await fetch(
        "SELECT mood FROM checkins WHERE user_id = ?", user_id)] == [5]


@sqlite_only
async def test_reads_do_not_wait_for_a_write_transaction(app: Starlette) -> None:
    """A Today view stays quick while a long write (a sync batch, say) holds the writer."""
    user_id = await _client_with_checkins(1)
    holding, release = asyncio.Event(), asyncio.Event()

    async def long_write() -> None:
        async with in_transaction():
            await CheckIn.filter(user_id=user_id).update(mood=4)
            holding.set()
            await release.wait()

    writer = asyncio.create_task(long_write())
    await holding.wait()
    try:
        # Outside the transaction: answered now, from the last committed state.
        rows = await asyncio.wait_for(
            fetch("SELECT mood FROM checkins WHERE user_id = ?", user_id), timeout=5)
        assert [r["mood"] for r in rows] == [1]
        orm = await asyncio.wait_for(CheckIn.filter(user_id=user_id).values_list(
            "mood", flat=True), timeout=5)
        assert orm == [1]
    finally:
        release.set()
        await writer
    # Once committed, the very next read sees the write.
    assert await CheckIn.filter(user_id=user_id).values_list("mood", flat=True) == [4]


@sqlite_only
async def test_an_api_read_is_answered_while_a_write_is_held(app: Starlette,
                                                            client: httpx.AsyncClient) -> None:
    await accounts.create_user(username="phone", password="correct horse battery staple",
                               display_name="Phone")
    r = await client.post("/api/v1/auth/login",
                          json={"username": "phone", "password": "correct horse battery staple"})
    assert r.status_code == 200
    holding, release = asyncio.Event(), asyncio.Event()

    async def long_write() -> None:
        async with in_transaction() as conn:
            await conn.execute_query("UPDATE users SET locale = 'en' WHERE username = 'phone'")
            holding.set()
            await release.wait()

    writer = asyncio.create_task(long_write())
    await holding.wait()
    try:
        today = await asyncio.wait_for(client.get("/api/v1/today"), timeout=5)
        assert today.status_code == 200 and today.json()["checkin"]["done"] is False
    finally:
        release.set()
        await writer


@sqlite_only
async def test_readers_cannot_write(app: Starlette) -> None:
    conn = connections.get("default")
    assert isinstance(conn, ReadPoolSqliteClient) and conn.reader_count > 0
    async with conn._reader() as reader:
        with pytest.raises(sqlite3.OperationalError, match=r"readonly"):
            await reader.execute("DELETE FROM users")
    assert conn.read_inline("SELECT count(*) AS n FROM users", []) == [{"n": 0}]
    with pytest.raises(OperationalError, match=r"readonly"):
        conn.read_inline("DELETE FROM users", [])


@sqlite_only
async def test_a_busy_inline_read_moves_to_the_reader_pool(app: Starlette) -> None:
    """SQLite busy (rare in WAL: a WAL reset, an exclusive lock): no waiting on the loop."""
    user_id = await _client_with_checkins(2)
    conn = connections.get("default")
    assert isinstance(conn, ReadPoolSqliteClient)

    class Busy:
        calls = 0

        def execute(self, *args: object) -> object:
            Busy.calls += 1
            raise sqlite3.OperationalError("database is locked")

    real, conn._inline = conn._inline, Busy()  # type: ignore[assignment]
    try:
        assert conn.read_inline("SELECT 1 AS one", []) is None
        rows = await fetch("SELECT mood FROM checkins WHERE user_id = ?", user_id)
        assert sorted(r["mood"] for r in rows) == [1, 2] and Busy.calls == 2
    finally:
        conn._inline = real


@sqlite_only
async def test_an_in_memory_database_keeps_one_connection(settings: Settings) -> None:
    await Tortoise.init(config=tortoise_config(settings.with_overrides(
        database_url="sqlite://:memory:")))
    try:
        await Tortoise.generate_schemas()
        conn = connections.get("default")
        assert isinstance(conn, ReadPoolSqliteClient) and conn.reader_count == 0
        await accounts.create_user(username="memory", password="correct horse battery staple",
                                   display_name="Memory")
        rows = await fetch("SELECT username FROM users")
        assert [r["username"] for r in rows] == ["memory"]
    finally:
        await Tortoise.close_connections()
