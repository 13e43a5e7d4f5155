"""Settings, read once from ``WELLNESS_*`` environment variables."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wellness.crypto import generate_vapid_private_key, new_data_key

DEFAULT_ORIGIN = "http://127.0.0.1:8000"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class SettingsError(ValueError):
    """A setting's value is unusable; the message names the variable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}.")
    return value


@dataclass(frozen=True)
class RoleTimeouts:
    idle_seconds: int
    absolute_seconds: int


@dataclass(frozen=True)
class Settings:
    var_dir: Path = Path("var")
    database_url: str = ""
    origin: str = DEFAULT_ORIGIN
    debug: bool = False
    workers: int = 1
    secret_key: str = ""
    data_key: str = ""
    vapid_private_key: str = ""
    vapid_contact: str = "mailto:admin@localhost"
    generated_secrets: bool = False
    scheduler_enabled: bool = True
    require_counselor_totp: bool = False
    client_timeouts: RoleTimeouts = RoleTimeouts(14 * 86400, 90 * 86400)
    staff_timeouts: RoleTimeouts = RoleTimeouts(30 * 60, 12 * 3600)
    login_max_failures_account: int = 5
    login_max_failures_address: int = 30
    login_window_seconds: int = 15 * 60
    max_body_bytes: int = 1_048_576
    craving_alert_threshold: int = 8
    no_checkin_alert_days: int = 3
    alert_renotify_minutes: int = 60
    crisis_resources_file: Path | None = None
    push_allow_private: bool = False
    push_concurrency: int = 64
    planner_interval_seconds: int = 30
    dispatcher_interval_seconds: int = 5
    log_level: str = "INFO"

    @property
    def https(self) -> bool:
        return self.origin.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def timeouts_for(self, role: str) -> RoleTimeouts:
        return self.client_timeouts if role == "client" else self.staff_timeouts

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from the environment, generating local secrets into ``var/``."""
        env = os.environ if env is None else env
        get = env.get
        var_dir = Path(get("WELLNESS_VAR_DIR", "var"))
        database_url = get("WELLNESS_DATABASE_URL", f"sqlite://{var_dir / 'wellness.sqlite3'}")
        secret_key = get("WELLNESS_SECRET_KEY", "")
        data_key = get("WELLNESS_DATA_KEY", "")
        vapid_key = get("WELLNESS_VAPID_PRIVATE_KEY", "")
        generated = False
        if not (secret_key and data_key and vapid_key):
            local = load_or_create_local_secrets(var_dir)
            generated = True
            secret_key = secret_key or local["secret_key"]
            data_key = data_key or local["data_key"]
            vapid_key = vapid_key or local["vapid_private_key"]
        crisis = get("WELLNESS_CRISIS_RESOURCES_FILE")
        return cls(
            var_dir=var_dir,
            database_url=database_url,
            origin=get("WELLNESS_ORIGIN", DEFAULT_ORIGIN).rstrip("/"),
            debug=_bool(get("WELLNESS_DEBUG", "false")),
            workers=_int(env, "WELLNESS_WORKERS", 1, minimum=1),
            secret_key=secret_key,
            data_key=data_key,
            vapid_private_key=vapid_key,
            vapid_contact=get("WELLNESS_VAPID_CONTACT", "mailto:admin@localhost"),
            generated_secrets=generated,
            scheduler_enabled=_bool(get("WELLNESS_SCHEDULER", "true")),
            require_counselor_totp=_bool(get("WELLNESS_REQUIRE_COUNSELOR_TOTP", "false")),
            client_timeouts=RoleTimeouts(
                _int(env, "WELLNESS_CLIENT_IDLE_SECONDS", 14 * 86400, minimum=1),
                _int(env, "WELLNESS_CLIENT_ABSOLUTE_SECONDS", 90 * 86400, minimum=1),
            ),
            staff_timeouts=RoleTimeouts(
                _int(env, "WELLNESS_STAFF_IDLE_SECONDS", 30 * 60, minimum=1),
                _int(env, "WELLNESS_STAFF_ABSOLUTE_SECONDS", 12 * 3600, minimum=1),
            ),
            craving_alert_threshold=_int(env, "WELLNESS_CRAVING_ALERT_THRESHOLD", 8),
            no_checkin_alert_days=_int(env, "WELLNESS_NO_CHECKIN_ALERT_DAYS", 3, minimum=1),
            alert_renotify_minutes=_int(env, "WELLNESS_ALERT_RENOTIFY_MINUTES", 60, minimum=1),
            crisis_resources_file=Path(crisis) if crisis else None,
            push_allow_private=_bool(get("WELLNESS_PUSH_ALLOW_PRIVATE", "false")),
            push_concurrency=_int(env, "WELLNESS_PUSH_CONCURRENCY", 64, minimum=1),
            planner_interval_seconds=_int(env, "WELLNESS_PLANNER_INTERVAL_SECONDS", 30,
                                          minimum=1),
            dispatcher_interval_seconds=_int(env, "WELLNESS_DISPATCHER_INTERVAL_SECONDS", 5,
                                             minimum=1),
            log_level=get("WELLNESS_LOG_LEVEL", "INFO").upper(),
        )


SETTINGS_DOC: dict[str, str] = {
    "WELLNESS_VAR_DIR": "Folder for the SQLite database and generated local secrets (default ./var).",
    "WELLNESS_DATABASE_URL": "sqlite://path or postgres://user@host:port/db (default SQLite in var/).",
    "WELLNESS_ORIGIN": "Public origin of the app, e.g. https://wellness.example.org.",
    "WELLNESS_DEBUG": "Debug mode; never in production.",
    "WELLNESS_WORKERS": "Number of server worker processes (SQLite supports one).",
    "WELLNESS_SECRET_KEY": "Key for hashing session tokens and throttle keys.",
    "WELLNESS_DATA_KEY": "Base64 AES-256 key that encrypts notes and second-factor secrets.",
    "WELLNESS_VAPID_PRIVATE_KEY": "Base64url P-256 private key for Web Push (VAPID).",
    "WELLNESS_VAPID_CONTACT": "mailto: or https: contact sent to push services.",
    "WELLNESS_SCHEDULER": "Run the nudge planner and dispatcher in this process.",
    "WELLNESS_REQUIRE_COUNSELOR_TOTP": "Require a second factor for counselors and admins.",
    "WELLNESS_CLIENT_IDLE_SECONDS": "Client session idle timeout.",
    "WELLNESS_CLIENT_ABSOLUTE_SECONDS": "Client session absolute timeout.",
    "WELLNESS_STAFF_IDLE_SECONDS": "Counselor and admin session idle timeout.",
    "WELLNESS_STAFF_ABSOLUTE_SECONDS": "Counselor and admin session absolute timeout.",
    "WELLNESS_CRAVING_ALERT_THRESHOLD": "Craving (0-10) at or above which a safety event is raised.",
    "WELLNESS_NO_CHECKIN_ALERT_DAYS": "Days without a check-in before a counselor alert.",
    "WELLNESS_ALERT_RENOTIFY_MINUTES": "Minutes before an unacknowledged alert is raised again.",
    "WELLNESS_CRISIS_RESOURCES_FILE": "JSON file that replaces the built-in crisis resources.",
    "WELLNESS_PUSH_ALLOW_PRIVATE": "Allow push endpoints on private addresses (tests only).",
    "WELLNESS_PUSH_CONCURRENCY": "Most pushes one process sends at once (default 64).",
    "WELLNESS_PLANNER_INTERVAL_SECONDS": "Seconds between nudge planner ticks (default 30).",
    "WELLNESS_DISPATCHER_INTERVAL_SECONDS": "Seconds between nudge dispatcher ticks (default 5).",
    "WELLNESS_LOG_LEVEL": "Logging level (default INFO).",
}


def load_or_create_local_secrets(var_dir: Path) -> dict[str, str]:
    """Secrets for a local install, generated once and kept in ``var/secrets.json``."""
    path = var_dir / "secrets.json"
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    var_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "secret_key": secrets.token_urlsafe(32),
        "data_key": new_data_key(),
        "vapid_private_key": generate_vapid_private_key(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.chmod(0o600)
    tmp.replace(path)
    return data


def deploy_problems(settings: Settings) -> list[str]:
    """What makes these settings unsafe for production; empty when they are fine."""
    problems = []
    if settings.debug:
        problems.append("WELLNESS_DEBUG is on: turn it off in production.")
    if settings.generated_secrets:
        problems.append(
            "Secrets were generated into var/secrets.json: set WELLNESS_SECRET_KEY, "
            "WELLNESS_DATA_KEY and WELLNESS_VAPID_PRIVATE_KEY from a secret store."
        )
    if not settings.origin.startswith("https://"):
        problems.append(f"WELLNESS_ORIGIN is {settings.origin}: serve over https.")
    if settings.is_sqlite and settings.workers > 1:
        problems.append(
            "SQLite with several workers: use one worker, or PostgreSQL for more."
        )
    if settings.push_allow_private:
        problems.append("WELLNESS_PUSH_ALLOW_PRIVATE is on: push endpoints could reach "
                        "the internal network.")
    if settings.vapid_contact.endswith("@localhost"):
        problems.append("WELLNESS_VAPID_CONTACT is a localhost address: set a neutral "
                        "contact push services can reach.")
    return problems
