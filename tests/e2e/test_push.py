"""Notifications: opt in from Settings, and a push delivered to the worker shows discreetly."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.e2e.conftest import Server, fake_push_script, register, rows, service_worker_ready

pytestmark = pytest.mark.e2e

ENDPOINT = "https://127.0.0.1:9/push/e2e-device"


async def registration_id(cdp: Any) -> str:
    found: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def seen(event: dict[str, Any]) -> None:
        for reg in event["registrations"]:
            if not reg["isDeleted"] and not found.done():
                found.set_result(reg["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    await cdp.send("ServiceWorker.enable")
    return await asyncio.wait_for(found, 10)


async def test_opt_in_then_a_push_shows_a_notification(context: Any, server: Server) -> None:
    await context.grant_permissions(["notifications"])
    await context.add_init_script(fake_push_script(ENDPOINT))
    page = await context.new_page()
    await register(page, "kai", "Kai")
    await service_worker_ready(page)
    assert await page.evaluate("Notification.permission") == "granted"  # granted, never asked

    await page.goto("/#/settings")
    await page.get_by_text("Notifications are off").wait_for()
    await page.get_by_label("Daily check-in", exact=True).check()
    await page.get_by_label("Daily check-in time").fill("20:30")
    await page.get_by_role("group", name="Daily check-in: which days").get_by_label("Sun").uncheck(force=True)
    await page.get_by_role("button", name="Save reminders").click()
    await page.get_by_text("Reminders saved.").wait_for()
    assert rows(server, "SELECT kind, local_time, enabled FROM reminders") == [
        ("checkin", "20:30", 1)]
    await page.get_by_role("button", name="Turn on notifications").click()
    await page.get_by_text("Notifications are on for this phone").wait_for()
    assert rows(server, "SELECT endpoint FROM push_subscriptions") == [(ENDPOINT,)]

    cdp = await context.new_cdp_session(page)
    payload = {"title": "A moment for you", "body": "Your daily pause is ready.",
               "url": "/#/checkin", "nudge_id": "42", "tag": "checkin"}
    await cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": server.url, "registrationId": await registration_id(cdp),
        "data": json.dumps(payload)})
    shown: list[Any] = []
    for _ in range(50):
        shown = await page.evaluate(
            "async () => (await (await navigator.serviceWorker.ready).getNotifications())"
            ".map((n) => [n.title, n.body, n.tag, n.data.url, n.data.nudge_id])")
        if shown:
            break
        await asyncio.sleep(0.1)
    assert shown == [["A moment for you", "Your daily pause is ready.", "checkin", "/#/checkin", "42"]]

    # Tapping it tells the server the nudge was opened, and opens the screen it names.
    opened: list[str] = []
    context.on("request", lambda r: opened.append(r.method + " " + r.url)
               if "/opened" in r.url else None)
    worker = context.service_workers[0]
    await worker.evaluate(
        "async () => { const [n] = await self.registration.getNotifications();"
        " self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n })); }")
    await page.wait_for_url("**/#/checkin")
    await page.get_by_role("heading", name="Check in").wait_for()
    assert opened == [f"POST {server.url}/api/v1/nudges/42/opened"]
