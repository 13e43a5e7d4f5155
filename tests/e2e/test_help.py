"""Help when it matters: the server's craving threshold, and telling the care team on purpose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    PHONE,
    Server,
    check_in,
    phone,
    register,
    rows,
    serve,
    service_worker_ready,
)

pytestmark = pytest.mark.e2e


async def test_the_servers_craving_threshold_decides_when_help_shows(browser: Any,
                                                                     tmp_path: Path) -> None:
    with serve(tmp_path, craving_alert_threshold=5) as server:
        context = await phone(browser, server)
        page = await context.new_page()
        await register(page, "jordan", "Jordan")
        await service_worker_ready(page)
        help_card = page.get_by_test_id("craving-help")

        # Online, 6 reaches this clinic's threshold of 5: help comes with the server's answer.
        await check_in(page, "3 — Okay", "6")
        await page.get_by_text("Thank you for checking in").wait_for()
        await help_card.get_by_role("link", name="Call 988").wait_for()
        await help_card.get_by_role("link", name="Ride the wave (guided)").wait_for()
        await page.goto("/#/")
        await check_in(page, "3 — Okay", "4")
        await page.get_by_text("Thank you for checking in").wait_for()
        assert await help_card.count() == 0

        # Offline, the phone cannot ask: the default 8 applies, with the cached resources.
        await page.goto("/#/")
        await context.set_offline(True)
        await check_in(page, "3 — Okay", "6")
        await page.get_by_text("It will sync when you are back online").wait_for()
        assert await help_card.count() == 0
        await page.goto("/#/")
        await check_in(page, "2 — Low", "9")
        await page.get_by_text("It will sync when you are back online").wait_for()
        await help_card.get_by_role("link", name="Call 988").wait_for()
        await context.set_offline(False)
        await context.close()


async def test_telling_the_care_team_is_one_clear_tap_and_says_when_it_was_not_sent(
        context: Any, server: Server) -> None:
    page = await context.new_page()
    await register(page, "ari", "Ari")
    await service_worker_ready(page)
    await page.goto("/#/help")
    tell = page.get_by_role("button", name="Let my care team know I am struggling")
    await tell.wait_for()
    box = await tell.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # no scrolling
    await page.get_by_role("link", name="Call 988").first.wait_for()
    assert rows(server, "SELECT count(*) FROM safety_events") == [(0,)]  # opening alerts no one

    await context.set_offline(True)
    await tell.click()
    await page.get_by_text("Not sent: this phone is offline").wait_for()
    assert rows(server, "SELECT count(*) FROM safety_events") == [(0,)]

    await context.set_offline(False)
    await tell.click()
    await page.get_by_text("Sent.").wait_for()
    assert rows(server, "SELECT kind FROM safety_events") == [("help_now",)]
