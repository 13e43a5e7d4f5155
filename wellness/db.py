"""Tortoise configuration shared by the app, the CLI and the tests."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from wellness.config import Settings

if TYPE_CHECKING:
    from tortoise.models import Model

M = TypeVar("M", bound="Model")

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
            "engine": "wellness.sqlite",
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


async def fetch(sql: str, *params: Any) -> list[dict[str, Any]]:
    """Rows of hand-written SQL (``?`` placeholders) on the current connection or transaction.

    For the few reads on every request (session, Today, caseload), where building the query
    through the ORM costs several times what the database takes to answer it. Parameters are
    strings, numbers, UUIDs, dates or datetimes; a list or tuple fills an ``IN (?)`` with one
    placeholder per element (an empty one matches nothing). Values come back as the driver
    returns them (see ``as_date``).
    """
    from tortoise import connections

    from wellness.sqlite import ReadPoolSqliteClient

    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} parameters")
    text, values = [parts[0]], []
    for param, part in zip(params, parts[1:], strict=True):
        group = list(param) if isinstance(param, list | tuple) else [param]
        marks = []
        for value in group:
            values.append(_param(value, postgres))
            marks.append(f"${len(values)}" if postgres else "?")
        text.append((", ".join(marks) or "NULL") + part)  # IN (NULL) matches nothing
    query = "".join(text)
    if isinstance(conn, ReadPoolSqliteClient):
        inline = conn.read_inline(query, values)
        if inline is not None:
            return inline
    rows: list[dict[str, Any]] = await conn.execute_query_dict(query, values)
    return rows


def _param(value: Any, postgres: bool) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime) and not postgres:
        return value.isoformat()
    return value


def as_date(value: Any) -> date:
    """A DATE column's value: SQLite gives ISO text, PostgreSQL a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def as_datetime(value: Any) -> datetime:
    """A timestamp column's value, aware: SQLite gives ISO text, PostgreSQL a datetime."""
    stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def model_from_row(model: type[M], row: dict[str, Any]) -> M:
    """A model instance from a ``SELECT *`` row of ``fetch``, as the ORM itself would build it.

    SQLite returns timestamps as ISO text; the standard library parses them several times faster
    than the ORM's own parser, which matters for rows read on every request.
    """
    for name in _timestamp_columns(model):
        value = row.get(name)
        if isinstance(value, str):
            row[name] = datetime.fromisoformat(value)
    instance: M = model._init_from_db(**row)
    return instance


@cache
def _timestamp_columns(model: type[Model]) -> tuple[str, ...]:
    from tortoise import fields

    return tuple(field.source_field or name for name, field in model._meta.fields_map.items()
                 if isinstance(field, fields.DatetimeField))


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
