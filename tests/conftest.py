"""The real app over httpx.ASGITransport with a real database.

SQLite in a temporary folder by default; set WELLNESS_TEST_DATABASE_URL to a PostgreSQL URL to
run the same suite there (one backend per pytest process: Tortoise caches SQL per dialect).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import Tortoise, connections

from wellness.app import create_app
from wellness.config import Settings
from wellness.crypto import generate_vapid_private_key, new_data_key
from wellness.models.accounts import Role
from wellness.services import accounts

ORIGIN = "http://testserver"
PASSWORD = "correct horse battery staple"

PG_URL = os.environ.get("WELLNESS_TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary files)'}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path,
        database_url=PG_URL or f"sqlite://{tmp_path / 'test.sqlite3'}",
        origin=ORIGIN,
        secret_key="test-secret-key",
        data_key=new_data_key(),
        vapid_private_key=generate_vapid_private_key(),
        vapid_contact="mailto:ops@example.org",
        scheduler_enabled=False,
        push_allow_private=True,
    )


async def _empty_all_tables() -> None:
    conn = connections.get("default")
    tables = [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()]
    if PG_URL:
        await conn.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE;"
        )


@pytest.fixture
def make_app(settings: Settings) -> Callable[..., Starlette]:
    def factory(**overrides: Any) -> Starlette:
        return create_app(settings.with_overrides(**overrides), generate_schemas=True)

    return factory


@pytest.fixture
async def app(make_app: Callable[..., Starlette]) -> AsyncIterator[Starlette]:
    application = make_app()
    async with LifespanManager(application):
        await _empty_all_tables()
        yield application


def http_client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=ORIGIN,
        headers={"Origin": ORIGIN},
    )


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as c:
        yield c


SignedIn = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def signed_in(app: Starlette) -> AsyncIterator[SignedIn]:
    """Make a user of any role and return an HTTP client signed in as them."""
    opened: list[httpx.AsyncClient] = []
    counter = iter(range(10_000))

    async def make(role: str = "client", username: str | None = None,
                   timezone: str = "UTC") -> httpx.AsyncClient:
        name = username or f"{role}{next(counter)}"
        await accounts.create_user(username=name, password=PASSWORD, display_name=name.title(),
                                   timezone=timezone, role=Role(role))
        c = http_client(app)
        opened.append(c)
        r = await c.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.user = r.json()  # type: ignore[attr-defined]
        return c

    yield make
    for c in opened:
        await c.aclose()
