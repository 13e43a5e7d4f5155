"""Run the real app under uvicorn for the end-to-end tests (in its own process).

python -m tests.e2e.serve PORT DB_PATH [username:password:role ...]
"""

from __future__ import annotations

import asyncio
import base64
import sys
from pathlib import Path

import uvicorn

from wellness.app import create_app
from wellness.config import Settings
from wellness.models.accounts import Role
from wellness.services import accounts


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def e2e_settings(port: int, db: Path) -> Settings:
    return Settings(
        var_dir=db.parent,
        database_url=f"sqlite://{db}",
        origin=f"http://127.0.0.1:{port}",
        secret_key="e2e-secret-key",
        data_key=_b64url(bytes(range(32))),
        vapid_private_key=_b64url(bytes([1] * 32)),
        vapid_contact="mailto:ops@example.org",
        scheduler_enabled=False,
        push_allow_private=True,
        log_level="WARNING",
    )


async def _seed(server: uvicorn.Server, users: list[str]) -> None:
    while not server.started:  # uvicorn offers no event to wait on  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    for spec in users:
        username, password, role = spec.split(":")
        await accounts.create_user(username=username, password=password,
                                   display_name=username.title(), role=Role(role))
    print("READY", flush=True)


async def main(port: int, db: Path, users: list[str]) -> None:
    app = create_app(e2e_settings(port, db), generate_schemas=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    seeding = asyncio.create_task(_seed(server, users))
    await server.serve()
    seeding.cancel()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]))
