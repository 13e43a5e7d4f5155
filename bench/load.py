"""Load: 64 connections against the server `make run` starts (one uvicorn worker, SQLite).

Three phases in one run: /healthz back to back (the ceiling), GET /api/v1/today back to back
(its throughput beside the ceiling), then 60 s of a realistic mix (Today, check-ins, bundle
revalidation, sync batches, a counselor's caseload) with each connection pausing 0.25–1 s
between requests. Prints throughput and p50/p95/p99 per endpoint, and errors. Locust runs from
its own venv (bench/.venv-load), made on first use.

    .venv/bin/python bench/load.py [--seconds 60] [--users 64] [--clients 200]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.memory import rss_mib

ROOT = Path(__file__).resolve().parents[1]
LOAD_VENV = ROOT / "bench" / ".venv-load"
PASSWORD = "load test horse battery staple"


def ensure_locust() -> Path:
    locust = LOAD_VENV / "bin" / "locust"
    if not locust.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True)
        subprocess.run([str(LOAD_VENV / "bin" / "pip"), "install", "-q", "locust>=2.30,<3"],
                       check=True)
    return locust


async def seed(url: str, clients: int, counselors: int, env: dict[str, str]) -> dict[str, object]:
    """Clients with 30 days of history, and counselors linked to 50 clients each."""
    names = [f"load{i}" for i in range(clients)]
    staff = [f"desk{i}" for i in range(counselors)]
    for name in staff:
        await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "wellness.cli", "user", "create", name,
                             "--role", "counselor"],
            env={**env, "WELLNESS_NEW_USER_PASSWORD": PASSWORD}, cwd=ROOT, check=True,
            capture_output=True)
    headers = {"Origin": url}
    tokens: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as desk:
        for name in staff:
            desk.cookies.clear()
            await desk.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            tokens[name] = desk.cookies["wellness"]
        codes = []
        for i in range(len(names)):
            if i % 50 == 0:
                desk.cookies.clear()
                await desk.post("/api/v1/auth/login",
                                json={"username": staff[(i // 50) % counselors],
                                      "password": PASSWORD})
            codes.append((await desk.post("/api/v1/invites", json={})).json()["code"]
                         if i < 50 * counselors else None)
    sem = asyncio.Semaphore(8)

    async def one(name: str, code: str | None) -> None:
        async with sem, httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as c:
            r = await c.post("/api/v1/auth/register", json={
                "username": name, "password": PASSWORD, "display_name": name,
                "timezone": "America/Chicago"})
            r.raise_for_status()
            tokens[name] = c.cookies["wellness"]
            now = datetime.now(UTC).isoformat()
            ops = [{"op_id": str(uuid.uuid4()), "type": "checkin.upsert",
                    "client_updated_at": now,
                    "data": {"local_date": (date.today() - timedelta(days=d)).isoformat(),
                             "mood": 1 + d % 5, "craving": d % 7, "sleep_hours": 7.0,
                             "stress": d % 10}} for d in range(1, 31)]
            (await c.post("/api/v1/sync", json={"ops": ops})).raise_for_status()
            if code:
                (await c.post("/api/v1/links", json={
                    "code": code, "scopes": ["checkin_summary", "practice",
                                             "safety_alerts"]})).raise_for_status()

    await asyncio.gather(*(one(n, c) for n, c in zip(names, codes, strict=True)))
    # Counselors sign in again last: their idle timeout is short, their tokens must be fresh.
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as desk:
        for name in staff:
            desk.cookies.clear()
            await desk.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            tokens[name] = desk.cookies["wellness"]
    return {"clients": [tokens[n] for n in names], "counselors": [tokens[n] for n in staff]}


def run_locust(locust: Path, url: str, users: int, seconds: int, classes: list[str],
               accounts: dict[str, object], out: Path) -> list[dict[str, str]]:
    subprocess.run(
        [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", url,
         "--csv", str(out), "--only-summary", "--loglevel", "WARNING", *classes],
        env={**os.environ, "WELLNESS_LOAD_USERS": json.dumps(accounts)}, check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{out}_stats.csv") as f:
        return list(csv.DictReader(f))


def show(title: str, rows: list[dict[str, str]]) -> dict[str, float]:
    print(f"\n{title}")
    print(f"  {'endpoint':38} {'requests':>9} {'errors':>7} {'req/s':>8} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    rates: dict[str, float] = {}
    for row in rows:
        name = row["Name"]
        rates[name] = float(row["Requests/s"])
        print(f"  {name[:38]:38} {row['Request Count']:>9} {row['Failure Count']:>7} "
              f"{float(row['Requests/s']):8.0f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
    return rates


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--counselors", type=int, default=4)
    args = parser.parse_args()

    locust = await asyncio.to_thread(ensure_locust)
    tmp = Path(tempfile.mkdtemp(prefix="wellness-load-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "WELLNESS_VAR_DIR": str(tmp), "WELLNESS_ORIGIN": url,
           "WELLNESS_LOG_LEVEL": "WARNING"}
    await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "wellness.cli", "migrate"],
                            env=env, cwd=ROOT, check=True, capture_output=True)
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "wellness.cli", "serve", "--port", str(port), env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient() as c:
            for _ in range(200):
                try:
                    if (await c.get(url + "/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
        accounts = await seed(url, args.clients, args.counselors, env)
        memory = [("after start and seeding", *rss_mib(server.pid))]
        print(f"load: one uvicorn worker, SQLite, {args.users} connections, "
              f"{args.clients} clients with 30 days of history, {args.counselors} counselors "
              f"with 50 clients each; {os.cpu_count()} cores shared by server and locust")
        ceiling = await asyncio.to_thread(run_locust, locust, url, args.users, 20, ["Probe"],
                                          accounts, tmp / "ceiling")
        today_only = await asyncio.to_thread(run_locust, locust, url, args.users, 20,
                                             ["TodayOnly"], accounts, tmp / "today")
        memory.append(("after the two back-to-back phases", *rss_mib(server.pid)))
        mixed = await asyncio.to_thread(run_locust, locust, url, args.users, args.seconds,
                                        ["Phone", "Desk"], accounts, tmp / "mixed")
        memory.append(("after the realistic mix", *rss_mib(server.pid)))
    finally:
        server.terminate()
        await server.wait()
    top = show("/healthz back to back, 20 s (the ceiling)", ceiling)
    rates = show("GET /api/v1/today back to back, 20 s", today_only)
    show(f"realistic mix, {args.seconds} s, 0.25-1 s pauses", mixed)
    errors = sum(int(r["Failure Count"]) for rows in (ceiling, today_only, mixed)
                 for r in rows if r["Name"] != "Aggregated")
    health = top.get("GET /healthz", 0.0)
    today = rates.get("GET /api/v1/today", 0.0)
    if health:
        print(f"\nGET /api/v1/today back to back: {today:.0f} req/s = "
              f"{100 * today / health:.0f}% of /healthz ({health:.0f} req/s)")
    print("server resident memory (now / peak so far): " + "; ".join(
        f"{rss:.0f} / {peak:.0f} MiB {when}" for when, rss, peak in memory))
    print(f"errors in all phases: {errors}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
