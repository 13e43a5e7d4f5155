"""A counselor and a client, each in their own browser: link, routine, Today, alerts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server, register, rows, sign_in

pytestmark = pytest.mark.e2e


async def test_assigned_routine_shows_on_the_clients_today(browser: Any, context: Any,
                                                           server: Server) -> None:
    client = await context.new_page()
    await register(client, "robin", "Robin")

    desk = await browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    counselor = await desk.new_page()
    await sign_in(counselor, "counselor1")
    await counselor.get_by_role("heading", name="Caseload").wait_for()
    await counselor.get_by_role("link", name="Invites").click()
    await counselor.get_by_role("button", name="Create a code").click()
    code = await counselor.get_by_test_id("invite-code").inner_text()

    await client.goto("/#/settings")
    await client.get_by_label("Invite code from your counselor").fill(code)
    await client.get_by_role("button", name="Link counselor").click()
    await client.get_by_role("heading", name="Counselor1").wait_for()

    await counselor.get_by_role("link", name="Routines").click()
    await counselor.get_by_label("Routine name").fill("Evening wind-down")
    await counselor.get_by_label("What").select_option("meditation")
    await counselor.get_by_label("Which one").fill("sos-breath")
    await counselor.get_by_role("button", name="Save routine").click()
    await counselor.get_by_text("Evening wind-down — 1 items").wait_for()

    await counselor.get_by_role("link", name="Caseload").click()
    await counselor.get_by_role("link", name="Robin").click()
    await counselor.get_by_role("heading", name="Robin").wait_for()
    await counselor.get_by_label("Routine").select_option(label="Evening wind-down")
    await counselor.get_by_role("button", name="Assign").click()
    await counselor.get_by_text("Assigned.").wait_for()

    await client.goto("/#/")
    plan = client.get_by_role("region", name="Your plan for today")
    await plan.get_by_role("link", name="One minute to breathe").wait_for()

    # A call for help reaches the counselor's inbox, who acknowledges it.
    await client.get_by_role("link", name="Get help now").click()
    await client.get_by_role("button", name="Let my care team know I am struggling").click()
    await client.get_by_text("Sent.").wait_for()
    await counselor.get_by_role("link", name="Alerts").click()
    await counselor.get_by_text("asked for help").wait_for()
    notice = await counselor.get_by_test_id("alerts-notice").inner_text()
    listed = await counselor.evaluate(
        "async () => (await (await fetch('/api/v1/alerts')).json()).notice")
    assert notice == listed and "not monitored around the clock" in notice
    await counselor.get_by_role("button", name="Acknowledge").click()
    await counselor.get_by_text("acknowledged").wait_for()

    # Resolving takes it off the open list, and the server records it.
    await counselor.get_by_role("button", name="Resolve").click()
    await counselor.get_by_text("No open alerts.").wait_for()
    assert await counselor.get_by_text("asked for help").count() == 0
    assert rows(server, "SELECT state FROM alerts") == [("resolved",)]
    await desk.close()
