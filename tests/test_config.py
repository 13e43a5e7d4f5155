from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wellness.config import Settings


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"WELLNESS_VAR_DIR": str(tmp_path), **values}


def test_scheduler_and_push_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(env(tmp_path, WELLNESS_PUSH_CONCURRENCY="8",
                                     WELLNESS_PLANNER_INTERVAL_SECONDS="60",
                                     WELLNESS_DISPATCHER_INTERVAL_SECONDS=" 2 "))
    assert (settings.push_concurrency, settings.planner_interval_seconds,
            settings.dispatcher_interval_seconds) == (8, 60, 2)
    default = Settings.from_env(env(tmp_path))
    assert (default.push_concurrency, default.planner_interval_seconds,
            default.dispatcher_interval_seconds) == (64, 30, 5)


@pytest.mark.parametrize(("name", "value"), [
    ("WELLNESS_WORKERS", "abc"), ("WELLNESS_WORKERS", "0"),
    ("WELLNESS_PUSH_CONCURRENCY", "1.5"), ("WELLNESS_PLANNER_INTERVAL_SECONDS", ""),
    ("WELLNESS_DISPATCHER_INTERVAL_SECONDS", "-5"), ("WELLNESS_CLIENT_IDLE_SECONDS", "ten"),
    ("WELLNESS_CRAVING_ALERT_THRESHOLD", "high"),
])
def test_a_bad_number_is_refused_naming_the_variable(tmp_path: Path, name: str,
                                                      value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env(env(tmp_path, **{name: value}))


@pytest.mark.parametrize("command", [["check", "--deploy"], ["serve", "--port", "1"]])
def test_the_command_prints_the_bad_setting_and_exits_1(tmp_path: Path,
                                                        command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wellness.cli", *command], capture_output=True, text=True,
        env={**os.environ, **env(tmp_path, WELLNESS_WORKERS="abc")}, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert "WELLNESS_WORKERS must be a whole number, not 'abc'" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
