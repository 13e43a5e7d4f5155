"""The migration files match the models, and apply on an empty database of each kind."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from tests.conftest import PASSWORD, PG_URL
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


async def _fresh_database_url(tmp_path: Path) -> tuple[str, str | None]:
    if not PG_URL:
        return f"sqlite://{tmp_path / 'migrated.sqlite3'}", None
    name = f"wellness_mig_{uuid.uuid4().hex[:10]}"
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + name, name


async def test_migrate_builds_a_working_database(tmp_path: Path) -> None:
    url, pg_name = await _fresh_database_url(tmp_path)
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
        if pg_name:
            conn = await asyncpg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres")
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            finally:
                await conn.close()


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
