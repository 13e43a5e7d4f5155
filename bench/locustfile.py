"""Realistic traffic for bench/load.py: clients on their phones and counselors on a caseload.

Accounts are made by bench/load.py beforehand and handed over in WELLNESS_LOAD_USERS (JSON).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from locust import FastHttpUser, between, task

ACCOUNTS = json.loads(os.environ.get("WELLNESS_LOAD_USERS", "{}"))
PASSWORD = ACCOUNTS.get("password", "")
_clients = itertools.cycle(ACCOUNTS.get("clients", []))
_counselors = itertools.cycle(ACCOUNTS.get("counselors", []))


class Phone(FastHttpUser):
    """A client: opens Today, checks in, revalidates the content bundle, syncs offline work."""

    weight = 9
    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        self.origin = {"Origin": self.host}
        self.client.post("/api/v1/auth/login", json={"username": next(_clients),
                                                     "password": PASSWORD},
                         headers=self.origin, name="login")
        self.etag = ""

    @task(8)
    def today(self) -> None:
        self.client.get("/api/v1/today", name="GET /api/v1/today")

    @task(3)
    def check_in(self) -> None:
        day = date.today() - timedelta(days=random.randint(0, 6))
        self.client.put(f"/api/v1/checkins/{day.isoformat()}", headers=self.origin,
                        json={"mood": random.randint(1, 5), "craving": random.randint(0, 6),
                              "sleep_hours": 7.5, "note": "synthetic load note"},
                        name="PUT /api/v1/checkins/{local_date}")

    @task(3)
    def bundle(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        with self.client.get("/api/v1/content/bundle", headers=headers, name="GET bundle",
                             catch_response=True) as r:
            if r.status_code in (200, 304):
                self.etag = r.headers.get("etag", self.etag)
                r.success()

    @task(1)
    def sync(self) -> None:
        now = datetime.now(UTC).isoformat()
        ops = [{"op_id": str(uuid.uuid4()), "type": "checkin.upsert", "client_updated_at": now,
                "data": {"local_date": (date.today() - timedelta(days=i)).isoformat(),
                         "mood": random.randint(1, 5)}} for i in range(5)]
        self.client.post("/api/v1/sync", json={"ops": ops}, headers=self.origin,
                         name="POST /api/v1/sync (5 ops)")


class Desk(FastHttpUser):
    """A counselor: refreshes the caseload."""

    weight = 1
    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        self.client.post("/api/v1/auth/login", json={"username": next(_counselors),
                                                     "password": PASSWORD},
                         headers={"Origin": self.host}, name="login")

    @task
    def caseload(self) -> None:
        self.client.get("/api/v1/caseload", name="GET /api/v1/caseload")


class Probe(FastHttpUser):
    """Only /healthz: the ceiling this machine reaches with no work behind the route."""

    weight = 0
    wait_time = between(0.0, 0.0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")
