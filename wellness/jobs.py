"""The scheduler's ticks: each only calls a service, and all state lives in the database."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from starlette.applications import Starlette

from wellness.services import sessions, throttle


async def housekeeping_tick(app: Starlette) -> None:
    await sessions.purge_expired_sessions()
    await throttle.purge_old_failures(app.state.settings)


def register(scheduler: AsyncIOScheduler, app: Starlette) -> None:
    common = {"args": [app], "max_instances": 1, "coalesce": True}
    scheduler.add_job(housekeeping_tick, "interval", minutes=10, id="housekeeping", **common)
