"""Push fan-out: 20,000 nudges through the fake push service, with each HTTP transport.

    .venv/bin/python bench/nudges.py [--count 20000] [--concurrency 64]

The fake push service runs as its own process (it verifies every VAPID token and decrypts every
payload, like the tests' one). For each latency (0 and 50 ms) and each transport, the sender
encrypts, signs and posts ``--count`` messages through one shared httpx client
(``PushSender.send_many``, as the dispatcher does); the figures sit
next to two ceilings measured in the same run: the CPU-only cost of encrypting and signing, and
concurrency ÷ latency. A last line runs the whole dispatcher (outbox rows in SQLite, claim,
send, record) with the chosen transport.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from bench.memory import rss_mib
from wellness.config import Settings
from wellness.crypto import generate_vapid_private_key
from wellness.db import tortoise_config
from wellness.http import TRANSPORT, make_http_client
from wellness.push import Outcome, PushMessage, PushSender, VapidSigner, encrypt, origin_of
from wellness.services import accounts, nudges

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = json.dumps({"title": "Time for your daily note", "body": "A minute to jot down how "
                      "today is going.", "url": "/#/checkin", "nudge_id": 123456,
                      "tag": "x" * 32}).encode()


class FakeProcess:
    def __init__(self, delay: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.push_service", "--delay", str(delay)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.origin = self.proc.stdout.readline().strip()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def subscriptions(origin: str, n: int) -> list[dict[str, object]]:
    async with httpx.AsyncClient() as http:
        return [(await http.post(f"{origin}/subscriptions")).json() for _ in range(n)]


def bench_messages(subs: list[dict[str, object]], count: int) -> list[PushMessage]:
    """``count`` messages to the fake's subscriptions in turn."""
    messages = []
    for i in range(count):
        sub = subs[i % len(subs)]
        keys = sub["keys"]
        assert isinstance(keys, dict)
        messages.append(PushMessage(str(sub["endpoint"]), keys["p256dh"], keys["auth"],
                                    PAYLOAD, ttl=3600, topic="bench"))
    return messages


def cpu_ceiling(subs: list[dict[str, object]], key: str, n: int = 2000) -> float:
    signer = VapidSigner(key, "mailto:bench@example.org")
    messages = bench_messages(subs, n)
    for m in messages[:200]:  # warm up, untimed
        encrypt(m.payload, m.p256dh, m.auth)
    started = time.perf_counter()
    for m in messages:
        encrypt(m.payload, m.p256dh, m.auth)
        signer.header(origin_of(m.endpoint))
    return n / (time.perf_counter() - started)


async def fan_out(transport: str, subs: list[dict[str, object]], key: str, count: int,
                  concurrency: int) -> tuple[float, int]:
    # The fake push service listens on loopback, which production settings refuse.
    settings = Settings(push_concurrency=concurrency, push_allow_private=True)
    async with make_http_client(settings, transport) as http:
        sender = PushSender(http, key, "mailto:bench@example.org", concurrency=concurrency)

        messages = bench_messages(subs, count)
        await sender.send_many(messages[:200])  # warm the pool
        started = time.perf_counter()
        results = await sender.send_many(messages)
        elapsed = time.perf_counter() - started
    return count / elapsed, sum(r.outcome == Outcome.SENT for r in results)


async def dispatcher(origin_subs: list[dict[str, object]], key: str, count: int,
                     concurrency: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite://{tmp}/bench.sqlite3",
                            push_concurrency=concurrency, push_allow_private=True)
        await Tortoise.init(config=tortoise_config(settings))
        await Tortoise.generate_schemas()
        try:
            from wellness.models.nudges import Nudge, PushSubscription

            users = []
            for i, sub in enumerate(origin_subs[:200]):
                user = await accounts.create_user(username=f"bench{i}", display_name="b",
                                                  password="correct horse battery staple")
                keys = sub["keys"]
                assert isinstance(keys, dict)
                await PushSubscription.create(user_id=user.id, endpoint=sub["endpoint"],
                                              p256dh=keys["p256dh"], auth=keys["auth"])
                users.append(user)
            now = datetime.now(UTC)
            rows = [Nudge(user_id=users[i % len(users)].id, kind="checkin", dedupe_key=f"b{i}",
                          local_date=now.date(), due_at=now, expires_at=now + timedelta(hours=4),
                          next_attempt_at=now, title="Hello again", body="A minute for you.")
                    for i in range(count)]
            await Nudge.bulk_create(rows, batch_size=2000)
            async with make_http_client(settings) as http:
                sender = PushSender(http, key, "mailto:bench@example.org",
                                    concurrency=concurrency)
                started = time.perf_counter()
                sent = 0
                while True:
                    counts = await nudges.dispatch_due_nudges(sender, "k", "bench", now,
                                                              limit=2000)
                    if not counts:
                        break
                    sent += counts["sent"]
                elapsed = time.perf_counter() - started
            assert sent == count, sent
            return count / elapsed
        finally:
            await Tortoise.close_connections()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--transports", default="httpx,aiohttp")
    parser.add_argument("--no-dispatcher", action="store_true")
    args = parser.parse_args()
    key = generate_vapid_private_key()
    for delay in (0.0, 0.05):
        fake = FakeProcess(delay)
        try:
            subs = await subscriptions(fake.origin, 500)
            cpu = cpu_ceiling(subs, key)
            print(f"latency {delay * 1000:.0f} ms: CPU-only ceiling (encrypt + sign) "
                  f"{cpu:,.0f}/s" + (f", concurrency/latency ceiling "
                                     f"{args.concurrency / delay:,.0f}/s" if delay else ""))
            for transport in args.transports.split(","):
                rate, ok = await fan_out(transport, subs, key, args.count, args.concurrency)
                share = f" = {rate / (args.concurrency / delay):.0%} of concurrency ceiling" \
                    if delay else ""
                print(f"  {transport:8s} transport: {rate:,.0f} pushes/s "
                      f"({ok:,}/{args.count:,} accepted){share}")
            if delay == 0.0 and not args.no_dispatcher:
                rate = await dispatcher(subs, key, args.count, args.concurrency)
                print(f"  full dispatcher (SQLite outbox, {TRANSPORT}, batches of 2,000): "
                      f"{rate:,.0f} nudges/s")
            print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            async with httpx.AsyncClient() as http:
                stats = (await http.get(f"{fake.origin}/stats")).json()
            print(f"  fake push service: {stats['deliveries']:,} decrypted deliveries, "
                  f"verification errors: {stats['errors'] or 'none'}")
        finally:
            fake.stop()
    rss, peak = rss_mib()
    print(f"sender process resident memory: {rss:.0f} MiB at the end, peak {peak:.0f} MiB over "
          f"the run (each fan-out is one batch of {args.count:,}; the dispatcher claims 2,000)")


if __name__ == "__main__":
    import uvloop  # the loop uvicorn runs the app (and so the dispatcher) on

    uvloop.run(main())
