"""The scheduler's ticks: each only calls a service, and all state lives in the database."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from starlette.applications import Starlette

from wellness.push import PushSender
from wellness.services import alerts, nudges, sessions, sync, throttle


async def housekeeping_tick(app: Starlette) -> None:
    await sessions.purge_expired_sessions()
    await throttle.purge_old_failures(app.state.settings)
    await sync.purge_old_sync_ops(sessions.now())


async def alerts_tick(app: Starlette) -> None:
    await alerts.evaluate_alert_rules(app.state.settings, sessions.now())


async def planner_tick(app: Starlette) -> None:
    await nudges.plan_due_reminders(app.state.catalog, nudges.utcnow())


async def alert_push_tick(app: Starlette) -> None:
    window = timedelta(minutes=app.state.settings.alert_renotify_minutes)
    await nudges.plan_alert_nudges(app.state.catalog, nudges.utcnow(), window)


async def dispatcher_tick(app: Starlette) -> None:
    settings = app.state.settings
    await nudges.dispatch_due_nudges(push_sender(app), settings.secret_key, worker_id(),
                                     nudges.utcnow(), catalog=app.state.catalog)


def push_sender(app: Starlette) -> PushSender:
    """One sender per app: it keeps the VAPID headers it signed and bounds concurrency."""
    sender: PushSender | None = getattr(app.state, "push_sender", None)
    if sender is None:
        settings = app.state.settings
        sender = PushSender(app.state.http, settings.vapid_private_key, settings.vapid_contact,
                            concurrency=settings.push_concurrency)
        app.state.push_sender = sender
    return sender


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def register(scheduler: AsyncIOScheduler, app: Starlette) -> None:
    common = {"args": [app], "max_instances": 1, "coalesce": True}
    scheduler.add_job(housekeeping_tick, "interval", minutes=10, id="housekeeping", **common)
    scheduler.add_job(alerts_tick, "interval", minutes=1, id="alert-rules", **common)
    settings = app.state.settings
    scheduler.add_job(planner_tick, "interval", seconds=settings.planner_interval_seconds,
                      id="nudge-planner", **common)
    scheduler.add_job(dispatcher_tick, "interval", seconds=settings.dispatcher_interval_seconds,
                      id="nudge-dispatcher", **common)
    scheduler.add_job(alert_push_tick, "interval", seconds=settings.dispatcher_interval_seconds,
                      id="alert-pushes", **common)
