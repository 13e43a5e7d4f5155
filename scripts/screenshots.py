"""Phone-size screenshots of the PWA's main screens into docs/screenshots/.

Starts the app (tests/live.py) on a free port with a throwaway database, seeds two weeks
of a client's entries and a counselor link, and drives Debian Chromium through each screen.
Run: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live import live_server  # after the repo root is on the path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery staple"  # noqa: S105 - a throwaway demo account


def seed(origin: str) -> None:
    """Two weeks of check-ins and practice, a counselor link, a routine and an open alert."""
    headers = {"Origin": origin}
    with httpx.Client(base_url=origin, headers=headers) as client, \
            httpx.Client(base_url=origin, headers=headers) as counselor:
        client.post("/api/v1/auth/register", json={
            "username": "sam", "password": PASSWORD, "display_name": "Sam"}).raise_for_status()
        today = date.today()
        now = datetime.now(UTC)
        ops: list[dict[str, Any]] = []
        for back in range(13, 0, -1):
            day = today - timedelta(days=back)
            if back % 5 == 3:
                continue  # a missed day is part of real life
            ops.append({"op_id": str(uuid.uuid4()), "type": "checkin.upsert",
                        "client_updated_at": now.isoformat(), "data": {
                            "local_date": day.isoformat(), "mood": 2 + (back * 7) % 4,
                            "craving": (back * 3) % 7, "sleep_hours": 5.5 + (back % 4) * 0.75,
                            "stress": (back * 5) % 8}})
            ops.append({"op_id": str(uuid.uuid4()), "type": "practice.create",
                        "client_updated_at": now.isoformat(), "data": {
                            "meditation_slug": "sos-breath", "actual_seconds": 60 * (1 + back % 6),
                            "started_at": (now - timedelta(days=back)).isoformat(),
                            "planned_seconds": 300, "completed": True}})
        client.post("/api/v1/sync", json={"ops": ops}).raise_for_status()
        counselor.post("/api/v1/auth/login", json={
            "username": "counselor1", "password": PASSWORD}).raise_for_status()
        code = counselor.post("/api/v1/invites").json()["code"]
        client.post("/api/v1/links", json={"code": code, "scopes": [
            "checkin_summary", "checkin_details", "practice", "screeners",
            "safety_alerts"]}).raise_for_status()
        routine = counselor.post("/api/v1/routines", json={"name": "Steady evenings", "items": [
            {"kind": "checkin", "days_of_week": [1, 2, 3, 4, 5, 6, 7]},
            {"kind": "meditation", "target": "sleep-wind-down", "days_of_week": [1, 3, 5, 7]},
            {"kind": "custom", "text": "A short walk outside", "times_per_week": 3}]}).json()
        client_id = client.get("/api/v1/me").json()["id"]
        counselor.post(f"/api/v1/clients/{client_id}/routines",
                       json={"template_id": routine["id"]}).raise_for_status()
        client.post("/api/v1/help-now", json={})


async def shoot(page: Page, name: str, route: str, ready: str) -> None:
    await page.goto(f"/#{route}")
    await page.get_by_role("heading", name=ready).first.wait_for()
    await page.wait_for_timeout(300)
    await page.screenshot(path=OUT / f"{name}.png")
    print(f"wrote docs/screenshots/{name}.png")


async def sign_in(page: Page, username: str) -> None:
    await page.goto("/#/signin")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.locator("#nav a").first.wait_for()


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as server:
        made = server.wellness("user", "create", "counselor1", "--role", "counselor",
                               "--display-name", "Counselor1",
                               WELLNESS_NEW_USER_PASSWORD=PASSWORD)
        if made.returncode:
            raise RuntimeError(made.stderr)
        origin = server.url
        seed(origin)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            phone = await browser.new_context(base_url=origin, viewport=PHONE,
                                              device_scale_factor=1)
            page = await phone.new_page()
            await shoot(page, "signin", "/signin", "Welcome back")
            await sign_in(page, "sam")
            for name, route, ready in [
                ("today", "/", "Hi, Sam"), ("checkin", "/checkin", "Check in"),
                ("meditate", "/meditate", "Meditate"), ("nourish", "/nourish", "Nourish"),
                ("progress", "/progress", "Progress"), ("screener", "/screeners/phq9", "PHQ-9"),
                ("help", "/help", "Get help now"), ("settings", "/settings", "Settings"),
            ]:
                await shoot(page, name, route, ready)
            await page.goto("/#/meditate/sos-breath")
            await page.get_by_role("button", name="Start").click()
            await page.wait_for_timeout(2500)
            await page.screenshot(path=OUT / "player.png")
            print("wrote docs/screenshots/player.png")
            dark = await browser.new_context(base_url=origin, viewport=PHONE,
                                             device_scale_factor=1, color_scheme="dark")
            page = await dark.new_page()
            await sign_in(page, "sam")
            await shoot(page, "today-dark", "/", "Hi, Sam")
            desk = await browser.new_context(base_url=origin, viewport={"width": 1024, "height": 768})
            page = await desk.new_page()
            await sign_in(page, "counselor1")
            await shoot(page, "counselor-caseload", "/caseload", "Caseload")
            await shoot(page, "counselor-alerts", "/alerts", "Alerts")
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
