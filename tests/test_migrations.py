"""The migration files match the models, and apply on an empty database of each kind."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from tests.conftest import PASSWORD, PG_URL
from tests.live import create_pg_database, drop_pg_database
from wellness.config import Settings
from wellness.db import tortoise_config


async def test_migrations_match_the_models() -> None:
    config = tortoise_config(Settings(database_url="sqlite://:memory:"))
    async with tortoise_cli_context(config) as ctx:
        changes = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    pending = [op for writer in changes for op in writer.operations]
    assert pending == [], "models changed without a migration: run `wellness makemigrations`"


def _wellness(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wellness.cli", *args], env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


async def test_migrate_builds_a_working_database(tmp_path: Path) -> None:
    pg_url = create_pg_database() if PG_URL else None
    url = pg_url or f"sqlite://{tmp_path / 'migrated.sqlite3'}"
    env = {"WELLNESS_DATABASE_URL": url, "WELLNESS_VAR_DIR": str(tmp_path),
           "WELLNESS_NEW_USER_PASSWORD": PASSWORD}
    try:
        done = _wellness(env, "migrate")
        assert done.returncode == 0, done.stderr
        again = _wellness(env, "migrate")
        assert again.returncode == 0, again.stderr
        made = _wellness(env, "user", "create", "dr-migrated", "--role", "counselor")
        assert made.returncode == 0, made.stderr
        assert "Created counselor dr-migrated" in made.stdout
        dup = _wellness(env, "user", "create", "dr-migrated", "--role", "counselor")
        assert dup.returncode == 1 and "taken" in dup.stderr
    finally:
        if pg_url:
            drop_pg_database(pg_url)


def test_content_check_command_names_file_and_field(tmp_path: Path) -> None:
    env = {"WELLNESS_VAR_DIR": str(tmp_path)}
    ok = _wellness(env, "content", "check")
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = tmp_path / "crisis.json"
    bad.write_text('{"region": "US", "disclaimer": "x", "contacts": []}')
    broken = _wellness({**env, "WELLNESS_CRISIS_RESOURCES_FILE": str(bad)}, "content", "check")
    assert broken.returncode == 1
    assert "crisis.json" in broken.stdout and "contacts" in broken.stdout


def test_deploy_check_fails_on_local_defaults(tmp_path: Path) -> None:
    done = _wellness({"WELLNESS_VAR_DIR": str(tmp_path)}, "check", "--deploy")
    assert done.returncode == 1
    assert "https" in done.stdout and "generated" in done.stdout


@pytest.mark.parametrize("args", [["vapid"], ["settings"]])
def test_informational_commands_run(tmp_path: Path, args: list[str]) -> None:
    done = _wellness({"WELLNESS_VAR_DIR": str(tmp_path)}, *args)
    assert done.returncode == 0 and done.stdout.strip()


def test_no_table_or_column_comment_holds_a_semicolon() -> None:
    # Tortoise's SQLite migrations split DDL on ";", and a model's docstring and its fields'
    # descriptions become comments inside CREATE TABLE: a semicolon breaks `wellness migrate`.
    import importlib

    from tortoise.models import Model

    from wellness.db import MODEL_MODULES

    bad = []
    for name in MODEL_MODULES:
        for obj in vars(importlib.import_module(name)).values():
            if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model:
                texts = [obj.__doc__ or ""] + [
                    f.description or "" for f in obj._meta.fields_map.values()]
                if any(";" in text for text in texts):
                    bad.append(obj.__name__)
    assert bad == []


GENERATE = """
import asyncio, sys
from tortoise import Tortoise
from wellness.config import Settings
from wellness.db import tortoise_config

async def main():
    await Tortoise.init(config=tortoise_config(Settings(database_url="sqlite://" + sys.argv[1])))
    await Tortoise.generate_schemas()
    await Tortoise.close_connections()

asyncio.run(main())
"""


def _sqlite_schema(path: Path) -> dict[str, set[tuple[bool, tuple[str | None, ...]]]]:
    """Per table: each index as (unique, its columns); an expression shows as None."""
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'tortoise_migrations'")]
        schema = {}
        for table in tables:
            found = set()
            for _, name, unique, *_ in db.execute(f'PRAGMA index_list("{table}")'):
                cols = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{name}")'))
                found.add((bool(unique), cols))
            schema[table] = found
        return schema
    finally:
        db.close()


def test_migrated_schema_equals_the_models_schema(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.sqlite3"
    done = _wellness({"WELLNESS_DATABASE_URL": f"sqlite://{migrated}",
                      "WELLNESS_VAR_DIR": str(tmp_path)}, "migrate")
    assert done.returncode == 0, done.stderr
    generated = tmp_path / "generated.sqlite3"
    made = subprocess.run([sys.executable, "-c", GENERATE, str(generated)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    assert _sqlite_schema(migrated) == _sqlite_schema(generated)
