"""Traffic for bench/load.py: clients on their phones and counselors on a caseload.

Accounts and their session cookies are made by bench/load.py beforehand and handed over in
WELLNESS_LOAD_USERS (JSON), so no sign-in storm distorts the figures.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from locust import FastHttpUser, between, constant, task

ACCOUNTS = json.loads(os.environ.get("WELLNESS_LOAD_USERS", "{}"))
_clients = itertools.cycle(ACCOUNTS.get("clients", [""]))
_counselors = itertools.cycle(ACCOUNTS.get("counselors", [""]))
# Seconds a simulated person pauses between requests in the realistic mix.
THINK = between(0.25, 1.0)


class Signed(FastHttpUser):
    abstract = True
    tokens = _clients

    def on_start(self) -> None:
        self.headers = {"Origin": self.host, "Cookie": f"wellness={next(self.tokens)}"}


class Phone(Signed):
    """A client: opens Today, checks in, revalidates the content bundle, syncs offline work."""

    weight = 9
    wait_time = THINK

    def on_start(self) -> None:
        super().on_start()
        self.etag = ""

    @task(8)
    def today(self) -> None:
        self.client.get("/api/v1/today", headers=self.headers, name="GET /api/v1/today")

    @task(3)
    def check_in(self) -> None:
        day = date.today() - timedelta(days=random.randint(0, 6))
        self.client.put(f"/api/v1/checkins/{day.isoformat()}", headers=self.headers,
                        json={"mood": random.randint(1, 5), "craving": random.randint(0, 6),
                              "sleep_hours": 7.5, "note": "synthetic load note"},
                        name="PUT /api/v1/checkins/{local_date}")

    @task(3)
    def bundle(self) -> None:
        headers = {**self.headers, "If-None-Match": self.etag} if self.etag else self.headers
        with self.client.get("/api/v1/content/bundle", headers=headers,
                             name="GET /api/v1/content/bundle", catch_response=True) as r:
            if r.status_code in (200, 304):
                self.etag = r.headers.get("etag", self.etag)
                r.success()

    @task(1)
    def sync(self) -> None:
        now = datetime.now(UTC).isoformat()
        ops = [{"op_id": str(uuid.uuid4()), "type": "checkin.upsert", "client_updated_at": now,
                "data": {"local_date": (date.today() - timedelta(days=i)).isoformat(),
                         "mood": random.randint(1, 5)}} for i in range(5)]
        self.client.post("/api/v1/sync", json={"ops": ops}, headers=self.headers,
                         name="POST /api/v1/sync (5 ops)")


class Desk(Signed):
    """A counselor: refreshes the caseload of 50 clients."""

    weight = 1
    wait_time = THINK
    tokens = _counselors

    @task
    def caseload(self) -> None:
        self.client.get("/api/v1/caseload", headers=self.headers, name="GET /api/v1/caseload")


class TodayOnly(Signed):
    """GET /api/v1/today back to back: its throughput, to set beside the ceiling."""

    wait_time = constant(0)

    @task
    def today(self) -> None:
        self.client.get("/api/v1/today", headers=self.headers, name="GET /api/v1/today")


class Probe(FastHttpUser):
    """/healthz back to back: the ceiling this machine reaches with no work behind a route."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")
