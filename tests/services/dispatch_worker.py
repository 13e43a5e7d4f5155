"""A dispatcher in its own process, for the two-instance test on PostgreSQL.

    python -m tests.services.dispatch_worker DATABASE_URL NOW_ISO NAME

Prints ``ready``, waits for a line on stdin, dispatches until nothing is due, prints its counts.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from datetime import datetime

from tortoise import Tortoise

from wellness.config import Settings
from wellness.crypto import generate_vapid_private_key
from wellness.db import tortoise_config
from wellness.http import make_http_client
from wellness.push import PushSender
from wellness.services import nudges


async def main(database_url: str, now: datetime, name: str) -> None:
    settings = Settings(database_url=database_url, push_allow_private=True)  # a local fake
    await Tortoise.init(config=tortoise_config(settings))
    try:
        async with make_http_client(settings) as http:
            sender = PushSender(http, generate_vapid_private_key(), "mailto:ops@example.org")
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            total: Counter[str] = Counter()
            while counts := await nudges.dispatch_due_nudges(sender, "k", name, now,
                                                              limit=250):
                total += counts
        print(json.dumps(total), flush=True)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3]))
