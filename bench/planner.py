"""Planner tick time for the same number of due reminders among 10,000 and 1,000,000 users.

    .venv/bin/python bench/planner.py [--due 1000] [--sizes 10000,1000000]

Each size gets a fresh SQLite database: one user template made through the ORM, then every
other user and one reminder each copied with a single recursive-CTE insert (seconds for a
million rows). ``--due`` reminders are due now, the rest fire tomorrow. The tick reads only due
rows through the index on ``next_fire_at``, so its time should not follow the user count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from wellness.config import Settings
from wellness.content.catalog import load_catalog
from wellness.db import tortoise_config
from wellness.models.nudges import Nudge, Reminder, ReminderKind
from wellness.services import accounts, nudges

PASSWORD = "correct horse battery staple"


async def template(db: str, now: datetime) -> None:
    await Tortoise.init(config=tortoise_config(Settings(database_url=f"sqlite://{db}")))
    await Tortoise.generate_schemas()
    user = await accounts.create_user(username="template", password=PASSWORD,
                                      display_name="Template", timezone="America/Chicago")
    await Reminder.create(user_id=user.id, kind=ReminderKind.CHECKIN, local_time="09:00",
                          days_of_week=list(range(7)), next_fire_at=now + timedelta(days=1))
    await Tortoise.close_connections()


def fill(db: str, users: int, due: int, now: datetime) -> None:
    """Copy the template user and reminder ``users - 1`` times, in two SQL statements."""
    conn = sqlite3.connect(db)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(users)")]
    (tmpl_fire,) = conn.execute("SELECT next_fire_at FROM reminders").fetchone()
    tomorrow = str(tmpl_fire)
    due_at = tomorrow.replace((now + timedelta(days=1)).isoformat(sep=" ")[:10],
                              now.isoformat(sep=" ")[:10])
    assert due_at != tomorrow, "unexpected datetime format"
    values = {c: c for c in cols}
    values["id"] = "printf('%08x-0000-4000-8000-%012x', n, n)"
    values["username"] = "'u' || n"
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        conn.execute(
            f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) "
            f"INSERT INTO users ({', '.join(cols)}) "
            f"SELECT {', '.join(values[c] for c in cols)} FROM seq, "
            f"(SELECT * FROM users WHERE username = 'template')", (users - 1,))
        rcols = [r[1] for r in conn.execute("PRAGMA table_info(reminders)") if r[1] != "id"]
        rvalues = {c: c for c in rcols}
        rvalues["user_id"] = "printf('%08x-0000-4000-8000-%012x', n, n)"
        rvalues["next_fire_at"] = f"CASE WHEN n <= {due} THEN '{due_at}' ELSE '{tomorrow}' END"
        conn.execute(
            f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) "
            f"INSERT INTO reminders ({', '.join(rcols)}) "
            f"SELECT {', '.join(rvalues[c] for c in rcols)} FROM seq, "
            f"(SELECT * FROM reminders LIMIT 1)", (users - 1,))
    conn.execute("ANALYZE")
    conn.close()


async def tick(db: str, due: int, now: datetime) -> tuple[float, int]:
    await Tortoise.init(config=tortoise_config(Settings(database_url=f"sqlite://{db}")))
    try:
        catalog = load_catalog()
        started = time.perf_counter()
        advanced = await nudges.plan_due_reminders(catalog, now + timedelta(minutes=1),
                                                   limit=due)
        elapsed = time.perf_counter() - started
        assert await Nudge.all().count() == due
        return elapsed, advanced
    finally:
        await Tortoise.close_connections()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--sizes", default="10000,1000000")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    times = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "planner.sqlite3")
            await template(db, now)
            started = time.perf_counter()
            fill(db, size, args.due, now)
            built = time.perf_counter() - started
            elapsed, advanced = await tick(db, args.due, now)
            times.append(elapsed)
            print(f"{size:>9,} users, {advanced:,} due reminders: planner tick {elapsed * 1000:,.0f} ms"
                  f" (table built in {built:.1f} s)")
    if len(times) == 2:
        print(f"ratio largest/smallest: {times[1] / times[0]:.2f} (target <= 1.5)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    asyncio.run(main())
