"""End-to-end fixtures: a real uvicorn server in a subprocess and Debian Chromium via Playwright.

Playwright's async API runs inside pytest-asyncio tests (the sync plugin would break later
asyncio tests). Never `playwright install`: the system Chromium is used.
"""

from __future__ import annotations

import base64
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}

playwright_api = pytest.importorskip("playwright.async_api")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make chromium installs it)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@dataclass
class Server:
    url: str
    db: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(tmp: Path, users: list[str]) -> tuple[subprocess.Popen[str], Server]:
    port = _free_port()
    db = tmp / "e2e.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.serve", str(port), str(db), *users],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stdout.readline()
        if line.strip() == "READY":
            return proc, Server(f"http://127.0.0.1:{port}", db)
        if proc.poll() is not None:
            break
    proc.kill()
    proc.wait()
    proc.stdout.close()
    raise RuntimeError("the e2e server did not start")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    proc, srv = start_server(tmp_path, [f"counselor1:{PASSWORD}:counselor"])
    yield srv
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


@pytest.fixture
async def context(browser: Any, server: Server) -> AsyncIterator[Any]:
    ctx = await browser.new_context(base_url=server.url, viewport=PHONE, service_workers="allow")
    yield ctx
    await ctx.close()


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
