"""End-to-end fixtures: the real app over HTTP (tests/live.py) and Debian Chromium via Playwright.

The server runs on SQLite, or on a fresh PostgreSQL database in the PostgreSQL run. Playwright's
async API runs inside pytest-asyncio tests (the sync plugin would break later asyncio tests).
Never `playwright install`: the system Chromium is used.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.live import LiveServer, _in_thread, live_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}

Server = LiveServer
playwright_api = pytest.importorskip("playwright.async_api")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make chromium installs it)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@contextlib.contextmanager
def serve(tmp_path: Path, **overrides: Any) -> Iterator[Server]:
    """A live server with one counselor account, created through the `wellness` command."""
    with live_server(tmp_path, **overrides) as server:
        made = server.wellness("user", "create", "counselor1", "--role", "counselor",
                               "--display-name", "Counselor1", WELLNESS_NEW_USER_PASSWORD=PASSWORD)
        assert made.returncode == 0, made.stderr
        yield server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serve(tmp_path) as srv:
        yield srv


async def _pg_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


def rows(server: Server, sql: str) -> list[tuple[Any, ...]]:
    """Rows from the server's own database, SQLite or PostgreSQL (booleans compare as 0/1)."""
    url = server.database_url
    if url.startswith("sqlite://"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite://"))) as db:
            return db.execute(sql).fetchall()
    result: list[tuple[Any, ...]] = _in_thread(_pg_rows, url, sql)
    return result


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


@pytest.fixture
async def context(browser: Any, server: Server) -> AsyncIterator[Any]:
    ctx = await phone(browser, server)
    yield ctx
    await ctx.close()


async def phone(browser: Any, server: Server) -> Any:
    return await browser.new_context(base_url=server.url, viewport=PHONE, service_workers="allow")


async def register(page: Any, username: str, name: str = "Sam") -> None:
    """Create a client account through the UI and land on Today."""
    await page.goto("/#/register")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("What should we call you?").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name=f"Hi, {name}").wait_for()


async def sign_in(page: Any, username: str) -> None:
    await page.goto("/#/signin")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def check_in(page: Any, mood: str, craving: str) -> None:
    await page.get_by_role("link", name="Check in", exact=True).first.click()
    await page.get_by_role("heading", name="Check in").wait_for()
    await page.get_by_label(mood).check(force=True)
    await page.get_by_role("group", name="Cravings").get_by_label(craving, exact=True).check(force=True)
    await page.get_by_role("button", name="Save check-in").click()
    await page.get_by_text("Saved").first.wait_for()


async def service_worker_ready(page: Any) -> None:
    await page.evaluate(
        "async () => { await navigator.serviceWorker.ready;"
        " if (!navigator.serviceWorker.controller) await new Promise((r) =>"
        " navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })); }"
    )


def fake_push_script(endpoint: str) -> str:
    """Stand in for pushManager.subscribe, which cannot reach a real push service here.

    The keys are a real P-256 point and auth secret, so the server accepts the subscription.
    """
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    keys = {"p256dh": base64.urlsafe_b64encode(point).rstrip(b"=").decode(),
            "auth": base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()}
    return (
        "(() => { let sub = null;"
        f" const json = {{ endpoint: {json.dumps(endpoint)}, expirationTime: null, keys: {json.dumps(keys)} }};"
        " const make = () => ({ endpoint: json.endpoint, toJSON: () => json,"
        "   unsubscribe: async () => { sub = null; return true; } });"
        " PushManager.prototype.subscribe = async function () { sub = make(); return sub; };"
        " PushManager.prototype.getSubscription = async function () { return sub; };"
        "})();"
    )
