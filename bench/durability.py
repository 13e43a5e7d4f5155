"""Kill the server with SIGKILL during a steady stream of check-in writes, many times.

Then check SQLite's integrity and that every write the server acknowledged is present, read
back through the API (notes decrypted). Prints the figures; exits non-zero on any loss.

    .venv/bin/python bench/durability.py [--cycles 20] [--writers 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "durable horse battery staple"


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wellness.cli", "serve", "--port", self.url.rsplit(":", 1)[1]],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    async def wait_ready(self) -> None:
        async with httpx.AsyncClient() as c:
            for _ in range(300):
                try:
                    if (await c.get(self.url + "/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("server did not become ready")


@dataclass(frozen=True)
class Ack:
    username: str
    day: date
    mood: int
    note: str


async def writer(server: Server, username: str, start: date, acks: list[Ack],
                 stop: asyncio.Event) -> int:
    """Writes one check-in per day going back in time; records only acknowledged ones."""
    attempts = 0
    async with httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url},
                                 timeout=5) as c:
        offset = 0
        while not stop.is_set():
            try:
                if "wellness" not in c.cookies:
                    r = await c.post("/api/v1/auth/login",
                                     json={"username": username, "password": PASSWORD})
                    if r.status_code != 200:
                        await asyncio.sleep(0.05)
                        continue
                day = start - timedelta(days=offset)
                mood = random.randint(1, 5)
                note = f"synthetic-{uuid.uuid4().hex}"
                attempts += 1
                r = await c.put(f"/api/v1/checkins/{day.isoformat()}",
                                json={"mood": mood, "note": note})
                if r.status_code == 200:
                    acks.append(Ack(username, day, mood, note))
                    offset += 1
            except httpx.HTTPError:
                await asyncio.sleep(0.02)
    return attempts


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--min-run", type=float, default=1.0)
    parser.add_argument("--max-run", type=float, default=3.0)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wellness-durability-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "WELLNESS_VAR_DIR": str(tmp), "WELLNESS_SCHEDULER": "false",
           "WELLNESS_ORIGIN": f"http://127.0.0.1:{port}", "WELLNESS_LOG_LEVEL": "WARNING"}
    await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "wellness.cli", "migrate"],
                            env=env, cwd=ROOT, check=True, capture_output=True)
    server = Server(f"http://127.0.0.1:{port}", env)
    server.start()
    await server.wait_ready()
    names = [f"durable{i}" for i in range(args.writers)]
    async with httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url}) as c:
        for name in names:
            r = await c.post("/api/v1/auth/register", json={
                "username": name, "password": PASSWORD, "display_name": name})
            assert r.status_code == 201, r.text
            c.cookies.clear()

    acks: list[Ack] = []
    today = date.today()
    started = time.perf_counter()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(writer(server, n, today, acks, stop)) for n in names]
    for _ in range(args.cycles):
        await asyncio.sleep(random.uniform(args.min_run, args.max_run))
        server.kill()
        server.start()
        await server.wait_ready()
    await asyncio.sleep(args.min_run)
    stop.set()
    attempts = sum(await asyncio.gather(*tasks))
    elapsed = time.perf_counter() - started
    server.kill()

    db = sqlite3.connect(tmp / "wellness.sqlite3")
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()

    server.start()
    await server.wait_ready()
    missing = 0
    latest = {(a.username, a.day): a for a in acks}
    async with httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url}) as c:
        for name in names:
            c.cookies.clear()
            await c.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            mine = [a for (u, _), a in latest.items() if u == name]
            if not mine:
                continue
            lo = min(a.day for a in mine)
            stored: dict[str, dict[str, object]] = {}
            while lo <= today:
                hi = min(lo + timedelta(days=299), today)
                r = await c.get("/api/v1/checkins", params={"from": lo.isoformat(),
                                                            "to": hi.isoformat()})
                stored.update({row["local_date"]: row for row in r.json()["checkins"]})
                lo = hi + timedelta(days=1)
            for a in mine:
                row = stored.get(a.day.isoformat())
                if row is None or row["mood"] != a.mood or row["note"] != a.note:
                    missing += 1
    server.kill()

    print(f"durability: {args.cycles} SIGKILLs during {elapsed:.1f} s of writes by "
          f"{args.writers} clients")
    print(f"  write attempts        {attempts}")
    print(f"  acknowledged writes   {len(acks)}")
    print(f"  acknowledged, missing {missing}")
    print(f"  sqlite integrity      {integrity}")
    return 0 if missing == 0 and integrity == "ok" else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
