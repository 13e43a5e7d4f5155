"""Time a 500-operation sync batch and ``GET /today`` through the ASGI app on SQLite.

    .venv/bin/python bench/sync_today.py [--runs 5]

A fresh database in a temporary folder, one client with 90 days of history. Each sync run sends
new op ids (a real batch, not replays): check-in edits, practice sessions and screeners.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wellness.app import create_app
from wellness.config import Settings
from wellness.crypto import generate_vapid_private_key, new_data_key
from wellness.services import accounts

ORIGIN = "http://bench"
PASSWORD = "correct horse battery staple"


def batch(run: int, today: datetime) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    ops: list[dict[str, Any]] = []
    for i in range(500):
        op_id = str(uuid.uuid4())
        stamp = (now + timedelta(milliseconds=run * 1000 + i)).isoformat()
        if i % 5 < 3:  # check-in edits across the last 90 days
            day = (today - timedelta(days=i % 90)).date().isoformat()
            data: dict[str, Any] = {"local_date": day, "mood": 1 + i % 5, "craving": i % 7,
                                    "sleep_hours": 7.5, "note": f"bench note {run}-{i}"}
            ops.append({"op_id": op_id, "type": "checkin.upsert", "data": data,
                        "client_updated_at": stamp})
        elif i % 5 == 3:
            data = {"started_at": (now - timedelta(hours=i)).isoformat(), "actual_seconds": 300,
                    "planned_seconds": 600, "meditation_slug": "body-scan"}
            ops.append({"op_id": op_id, "type": "practice.create", "data": data,
                        "client_updated_at": stamp})
        else:
            data = {"instrument": "gad7", "answers": [1, 0, 1, 0, 1, 0, 1]}
            ops.append({"op_id": op_id, "type": "screener.submit", "data": data,
                        "client_updated_at": stamp})
    return ops


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            var_dir=Path(folder), database_url=f"sqlite://{Path(folder) / 'bench.sqlite3'}",
            origin=ORIGIN, secret_key="bench", data_key=new_data_key(),
            vapid_private_key=generate_vapid_private_key(), scheduler_enabled=False,
            log_level="WARNING",
        )
        app = create_app(settings, generate_schemas=True)
        async with LifespanManager(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=ORIGIN,
            headers={"Origin": ORIGIN}, timeout=120,
        ) as client:
            await accounts.create_user(username="bench", password=PASSWORD, display_name="B")
            r = await client.post("/api/v1/auth/login",
                                  json={"username": "bench", "password": PASSWORD})
            r.raise_for_status()
            today = datetime.now(UTC)
            history = [{"op_id": str(uuid.uuid4()), "type": "checkin.upsert",
                        "data": {"local_date": (today - timedelta(days=d)).date().isoformat(),
                                 "mood": 3, "craving": 2, "sleep_hours": 7},
                        "client_updated_at": (today - timedelta(days=d)).isoformat()}
                       for d in range(90)]
            r = await client.post("/api/v1/sync", json={"ops": history})
            r.raise_for_status()

            sync_times = []
            for run in range(runs):
                ops = batch(run, today)
                start = time.perf_counter()
                r = await client.post("/api/v1/sync", json={"ops": ops})
                sync_times.append(time.perf_counter() - start)
                r.raise_for_status()
                bad = [x for x in r.json()["results"] if x["status"] not in ("applied",)]
                assert not bad, bad[:3]
            start = time.perf_counter()
            r = await client.post("/api/v1/sync", json={"ops": ops})
            replay = time.perf_counter() - start

            today_times = []
            for _ in range(runs * 20):
                start = time.perf_counter()
                r = await client.get("/api/v1/today")
                today_times.append(time.perf_counter() - start)
                r.raise_for_status()

    print(f"POST /sync, 500 new ops:   median {statistics.median(sync_times) * 1000:8.1f} ms "
          f"({runs} runs; {500 / statistics.median(sync_times):,.0f} ops/s)")
    print(f"POST /sync, 500 replayed:  {replay * 1000:8.1f} ms")
    print(f"GET /today:                median {statistics.median(today_times) * 1000:8.2f} ms "
          f"({len(today_times)} runs)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
