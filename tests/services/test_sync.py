from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.conftest import PASSWORD
from wellness.models.accounts import User
from wellness.models.checkins import ChangeLog, CheckIn, PracticeSession, SyncOp
from wellness.services import accounts, sync


def ops_for(days: int) -> list[dict[str, Any]]:
    today = datetime.now(UTC).date()
    return [{"op_id": str(uuid.uuid4()), "type": "checkin.upsert",
             "data": {"local_date": str(today - timedelta(days=d)), "mood": 1 + d % 5},
             "client_updated_at": datetime.now(UTC).isoformat()} for d in range(days)]


async def client_user(name: str = "syncer") -> User:
    return await accounts.create_user(username=name, password=PASSWORD, display_name="S")


async def test_an_interrupted_batch_keeps_what_it_accepted(app: Starlette,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings, catalog = app.state.settings, app.state.catalog
    user = await client_user()
    ops = ops_for(10)
    real = sync._dispatch
    calls = 0

    async def flaky(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise ConnectionResetError("the connection dropped")
        return await real(*args, **kwargs)

    monkeypatch.setattr(sync, "_dispatch", flaky)
    with pytest.raises(ConnectionResetError):
        await sync.apply_batch(settings, catalog, user, ops)
    assert await CheckIn.filter(user_id=user.id).count() == 5
    assert await SyncOp.filter(user_id=user.id).count() == 5
    monkeypatch.setattr(sync, "_dispatch", real)
    replay = await sync.apply_batch(settings, catalog, user, ops)
    assert [r["status"] for r in replay.results] == ["duplicate"] * 5 + ["applied"] * 5
    assert await CheckIn.filter(user_id=user.id).count() == 10
    again = await sync.apply_batch(settings, catalog, user, ops)
    assert {r["status"] for r in again.results} == {"duplicate"}
    assert await ChangeLog.filter(user_id=user.id).count() == 10


async def test_the_same_batch_sent_concurrently_applies_once(app: Starlette) -> None:
    settings, catalog = app.state.settings, app.state.catalog
    user = await client_user()
    ops = ops_for(20) + [{
        "op_id": str(uuid.uuid4()), "type": "practice.create",
        "data": {"started_at": datetime.now(UTC).isoformat(), "actual_seconds": 60},
        "client_updated_at": datetime.now(UTC).isoformat()} for _ in range(10)]
    answers = await asyncio.gather(*(sync.apply_batch(settings, catalog, user, ops)
                                     for _ in range(3)))
    for i in range(len(ops)):
        statuses = sorted(a.results[i]["status"] for a in answers)
        assert statuses == ["applied", "duplicate", "duplicate"], (i, statuses)
    assert await CheckIn.filter(user_id=user.id).count() == 20
    assert await PracticeSession.filter(user_id=user.id).count() == 10


async def test_a_reader_following_the_cursor_misses_nothing(app: Starlette) -> None:
    settings, catalog = app.state.settings, app.state.catalog
    user = await client_user()
    device: dict[str, Any] = {}  # what a second device ends up holding
    cursor = 0
    done = asyncio.Event()

    async def follow() -> None:
        nonlocal cursor
        while True:
            page = await sync.changes_since(settings, user, cursor)
            assert page["cursor"] >= cursor
            cursor = page["cursor"]
            for change in page["changes"]:
                device[change["id"]] = change["data"]["mood"]
            if done.is_set() and not page["changes"]:
                return
            await asyncio.sleep(0)

    async def write() -> list[sync.BatchResult]:
        try:
            return list(await asyncio.gather(*(
                sync.apply_batch(settings, catalog, user, ops_for(8)) for _ in range(4))))
        finally:
            done.set()

    results, _ = await asyncio.gather(write(), follow())
    applied = sum(r["status"] == "applied" for b in results for r in b.results)
    assert await ChangeLog.filter(user_id=user.id).count() == applied >= 8
    stored = {str(c.local_date): c.mood for c in await CheckIn.filter(user_id=user.id)}
    assert device == stored and len(stored) == 8


async def test_old_op_ids_are_forgotten_and_a_late_replay_still_lands_once(
        app: Starlette) -> None:
    settings, catalog = app.state.settings, app.state.catalog
    user = await client_user()
    now = datetime.now(UTC)
    ops = [*ops_for(2), {
        "op_id": str(uuid.uuid4()), "type": "practice.create",
        "client_updated_at": now.isoformat(),
        "data": {"started_at": (now - timedelta(hours=1)).isoformat(), "planned_seconds": 300,
                 "actual_seconds": 120, "completed": False}}]
    first = await sync.apply_batch(settings, catalog, user, ops)
    assert [r["status"] for r in first.results] == ["applied"] * 3
    assert await sync.purge_old_sync_ops(now) == 0
    await SyncOp.filter(user_id=user.id).update(created_at=now - timedelta(days=91))
    assert await sync.purge_old_sync_ops(now) == 3
    late = await sync.apply_batch(settings, catalog, user, ops)
    assert all(r["status"] in {"applied", "duplicate", "superseded"} for r in late.results)
    assert await CheckIn.filter(user_id=user.id).count() == 2
    assert await PracticeSession.filter(user_id=user.id).count() == 1
