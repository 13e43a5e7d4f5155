"""The migration files match the models, and apply on an empty database of each kind."""

from __future__ import annotations

import os
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
