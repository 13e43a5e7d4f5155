"""The application factory and its lifespan."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from wellness import __version__, jobs
from wellness.config import Settings
from wellness.content.catalog import load_catalog
from wellness.db import tortoise_config
from wellness.errors import exception_handlers
from wellness.http import make_http_client
from wellness.metrics import Metrics
from wellness.middleware import ErrorBoundary, OriginCheck, RequestLog, SecurityHeaders
from wellness.routes import (
    access_log,
    admin,
    alerts,
    auth,
    checkins,
    content,
    counselors,
    data_rights,
    health,
    insights,
    links,
    me,
    nudges,
    practice,
    push,
    reminders,
    routines,
    safety,
    screeners,
    sync,
    today,
)
from wellness.services.sessions import settle_touches

log = logging.getLogger("wellness.app")

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "pwa"

API_MODULES = [auth, me, admin, content,
               checkins, practice, screeners, safety, sync, insights, today, data_rights,
               reminders, push, nudges,
               links, counselors, routines, alerts, access_log]


def api_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for module in API_MODULES:
        routes.extend(module.routes)
    return routes


def create_app(settings: Settings, *, generate_schemas: bool = False,
               static_dir: Path | None = None) -> Starlette:
    """Build the app; ``generate_schemas`` and ``static_dir`` are for tests only."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            app.state.catalog = load_catalog(crisis_file=settings.crisis_resources_file)
            await stack.enter_async_context(
                RegisterTortoise(app, config=tortoise_config(settings),
                                 generate_schemas=generate_schemas)
            )
            stack.push_async_callback(settle_touches)  # before the database closes
            app.state.http = await stack.enter_async_context(make_http_client(settings))
            scheduler = AsyncIOScheduler(timezone="UTC")
            app.state.scheduler = scheduler
            if settings.scheduler_enabled:
                jobs.register(scheduler, app)
                scheduler.start()
                stack.callback(scheduler.shutdown, wait=False)
            log.info("started", extra={"version": __version__, "sqlite": settings.is_sqlite})
            # What startup built (modules, the catalogue, ORM metadata) lives as long as the
            # process: keeping it out of the collector's full passes saves every such pass
            # tens of milliseconds, during which no request is served.
            gc.collect()
            gc.freeze()
            stack.callback(gc.unfreeze)
            yield
        log.info("stopped")

    routes: list[BaseRoute] = [
        *health.routes,
        Mount("/api/v1", routes=api_routes()),
    ]
    pwa = static_dir or STATIC_DIR
    if pwa.is_dir():
        routes.append(Mount("/", app=StaticFiles(directory=pwa, html=True), name="pwa"))
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, settings=settings),
            Middleware(RequestLog),
            Middleware(ErrorBoundary),
            Middleware(OriginCheck, settings=settings),
        ],
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.version = __version__
    app.state.metrics = Metrics()
    app.state.openapi = None
    return app
