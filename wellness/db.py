"""Tortoise configuration shared by the app, the CLI and the tests."""

from __future__ import annotations

import sqlite3
from typing import Any

from wellness.config import Settings

MODEL_MODULES = [
    "wellness.models.accounts",
    "wellness.models.checkins",
    "wellness.models.links",
    "wellness.models.routines",
    "wellness.models.alerts",
    "wellness.models.audit",
    "wellness.models.nudges",
]


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = settings.database_url
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        connection: dict[str, Any] | str = {
            "engine": "tortoise.backends.sqlite",
            "credentials": {
                "file_path": path,
                "journal_mode": "WAL",
                "journal_size_limit": 16384,
                "foreign_keys": "ON",
                "synchronous": "NORMAL",
                "busy_timeout": 5000,
            },
        }
    else:
        connection = url
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "wellness.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def is_database_unavailable(exc: BaseException) -> bool:
    """True for errors that mean the database cannot be reached, not that a query is wrong."""
    from tortoise.exceptions import DBConnectionError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (DBConnectionError, ConnectionError, OSError)):
            return True
        if isinstance(seen, sqlite3.OperationalError) and (
            "unable to open" in str(seen) or "locked" in str(seen) or "disk I/O" in str(seen)
        ):
            return True
        name = type(seen).__name__
        if name in {"CannotConnectNowError", "ConnectionDoesNotExistError", "InterfaceError",
                    "TooManyConnectionsError", "PostgresConnectionError"}:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def __getattr__(name: str) -> Any:
    # `tortoise -c wellness.db.MIGRATIONS_CONFIG makemigrations` reads this lazily, so importing
    # the module still opens nothing and reads no environment.
    if name == "MIGRATIONS_CONFIG":
        return tortoise_config(Settings(database_url="sqlite://:memory:"))
    raise AttributeError(name)
