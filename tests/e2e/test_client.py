"""A client's day in the real PWA: register, check in, meditate, and the same offline."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server, check_in, register, rows, service_worker_ready

pytestmark = pytest.mark.e2e


async def test_register_check_in_and_meditate_to_the_end(context: Any, server: Server) -> None:
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.clock.install()
    await register(page, "sam")
    await check_in(page, "4 — Good", "2")
    await page.get_by_role("link", name="Back to today").click()
    await page.get_by_text("You have checked in today").wait_for()

    await page.goto("/#/meditate/sos-breath")
    await page.get_by_role("heading", name="One minute to breathe").wait_for()
    await page.get_by_role("button", name="Start").click()
    await page.clock.run_for("01:05")
    await page.get_by_text("Session complete").wait_for()

    await page.get_by_text("Everything is synced").wait_for()
    await page.get_by_text("Everything is synced").click()
    await page.get_by_text("One minute to breathe (1 min) — synced").wait_for()
    assert rows(server, "SELECT mood, craving FROM checkins") == [(4, 2)]
    assert rows(server, "SELECT meditation_slug, completed, actual_seconds FROM practice_sessions") == [
        ("sos-breath", 1, 60)]
    assert errors == []


async def test_offline_reload_meditate_and_check_in_syncs_exactly_once(context: Any, server: Server) -> None:
    page = await context.new_page()
    await register(page, "alex", "Alex")
    await service_worker_ready(page)
    await page.goto("/#/meditate")  # warms the bundle through the worker
    await page.get_by_role("link", name="One minute to breathe").wait_for()
    await page.goto("/#/")

    await context.set_offline(True)
    await page.reload()
    await page.get_by_role("heading", name="Hi, Alex").wait_for()
    await page.goto("/#/meditate/box-breathing")
    await page.get_by_role("button", name="Start").wait_for()
    await page.goto("/#/")
    await check_in(page, "3 — Okay", "5")
    await page.get_by_text("It will sync when you are back online").wait_for()
    await page.get_by_text("1 entry is saved on this phone, waiting to sync").wait_for()
    assert rows(server, "SELECT count(*) FROM checkins") == [(0,)]

    await context.set_offline(False)
    await page.get_by_text("Everything is synced").wait_for()
    await page.reload()  # app start flushes again: must not duplicate
    await page.get_by_text("Everything is synced").wait_for()
    assert rows(server, "SELECT mood, craving FROM checkins") == [(3, 5)]
    assert rows(server, "SELECT count(*) FROM sync_ops") == [(1,)]


async def test_stopping_early_logs_a_partial_session(context: Any, server: Server) -> None:
    page = await context.new_page()
    await page.clock.install()
    await register(page, "lee", "Lee")
    await page.goto("/#/meditate/box-breathing")
    await page.get_by_role("button", name="Start").click()
    await page.clock.run_for("00:20")
    await page.get_by_role("button", name="Pause").click()
    await page.get_by_role("button", name="Resume").wait_for()
    await page.get_by_role("button", name="End session").click()
    await page.get_by_text("You practised for 0:20").wait_for()
    await page.get_by_text("Everything is synced").wait_for()
    assert rows(server, "SELECT meditation_slug, completed, actual_seconds FROM practice_sessions") == [
        ("box-breathing", 0, 20)]


async def test_a_risky_screener_answer_shows_help_at_once_even_offline(context: Any,
                                                                        server: Server) -> None:
    page = await context.new_page()
    await register(page, "max", "Max")
    await service_worker_ready(page)
    await page.goto("/#/screeners")
    await page.get_by_role("link", name="PHQ-9").wait_for()
    await context.set_offline(True)
    await page.goto("/#/screeners/phq9")
    item9 = page.get_by_role("group", name="9.")
    await item9.get_by_label("Several days").check(force=True)
    help_now = page.get_by_role("region", name="You do not have to go through this alone")
    await help_now.get_by_role("link", name="Call 988").wait_for()
    await context.set_offline(False)
