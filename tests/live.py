"""A real uvicorn server of the app in a subprocess, for tests that need real HTTP.

Run as ``python -m tests.live SETTINGS_JSON``; tests use :func:`live_server`. A subprocess keeps
the server's Tortoise context apart from the test process's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import PG_URL
from wellness.crypto import generate_vapid_private_key, new_data_key


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    database_url: str
    var_dir: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wellness(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run the `wellness` command against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "wellness.cli", *args],
            env={**os.environ, "WELLNESS_DATABASE_URL": self.database_url,
                 "WELLNESS_VAR_DIR": str(self.var_dir), **env},
            capture_output=True, text=True, timeout=120, check=False,
        )


def _in_thread(coro_fn: Any, *args: Any) -> Any:
    """Run a coroutine function to completion from sync code, even inside a running loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro_fn(*args)).result()


async def _admin_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_pg_database() -> str:
    """A new empty PostgreSQL database next to the test one; returns its URL."""
    name = f"wellness_live_{uuid.uuid4().hex[:12]}"
    _in_thread(_admin_execute, f'CREATE DATABASE "{name}"')
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _in_thread(_admin_execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def live_server(tmp_path: Path, **overrides: Any) -> Iterator[LiveServer]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    own_database = None
    if "database_url" not in overrides and PG_URL:
        own_database = create_pg_database()
    settings = {
        "var_dir": str(tmp_path),
        "database_url": own_database or f"sqlite://{tmp_path / 'live.sqlite3'}",
        "origin": url,
        "secret_key": "live-secret",
        "data_key": new_data_key(),
        "vapid_private_key": generate_vapid_private_key(),
        "vapid_contact": "mailto:ops@example.org",
        "scheduler_enabled": False,
        "push_allow_private": True,
        "port": port,
        **overrides,
    }
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.live", json.dumps(settings)],
            stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = LiveServer(url, process, log_path, settings["database_url"], tmp_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited:\n{server.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if own_database:
            drop_pg_database(own_database)


def main() -> None:
    import uvicorn

    from wellness.app import create_app
    from wellness.config import Settings
    from wellness.logs import configure_logging

    raw = json.loads(sys.argv[1])
    port = raw.pop("port")
    raw["var_dir"] = Path(raw["var_dir"])
    if raw.get("crisis_resources_file"):
        raw["crisis_resources_file"] = Path(raw["crisis_resources_file"])
    static_dir = raw.pop("static_dir", None)  # not a setting: tests serve a changed PWA copy
    settings = Settings(**raw)
    configure_logging("INFO")
    app = create_app(settings, generate_schemas=True,
                     static_dir=Path(static_dir) if static_dir else None)
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
