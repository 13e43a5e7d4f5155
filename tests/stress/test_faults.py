"""Database faults: the API answers 503 problem+json with Retry-After, then recovers by itself."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import PASSWORD, PG_URL
from tests.live import LiveServer, create_pg_database, drop_pg_database, free_port, live_server


class TcpProxy:
    """A TCP proxy to the database that can be cut (connections dropped, new ones refused)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.up = True
        self.server: asyncio.base_events.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.pipes |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        for task in (asyncio.create_task(pump(reader, up_writer)),
                     asyncio.create_task(pump(up_reader, writer))):
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def cut(self) -> None:
        self.up = False
        for pipe in self.pipes:
            pipe.close()
        self.pipes.clear()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.server:
            self.server.close()
            await self.server.wait_closed()


@contextlib.asynccontextmanager
async def proxied_server(tmp_path: Path) -> AsyncIterator[tuple[LiveServer, TcpProxy]]:
    parts = urlsplit(PG_URL)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    database = create_pg_database()
    url = database.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
    try:
        with await asyncio.to_thread(_enter, tmp_path, url) as server:
            yield server, proxy
    finally:
        await proxy.stop()
        drop_pg_database(database)


def _enter(tmp_path: Path, url: str) -> contextlib.AbstractContextManager[LiveServer]:
    manager = live_server(tmp_path, database_url=url)
    server = manager.__enter__()

    class Held(contextlib.AbstractContextManager[LiveServer]):
        def __enter__(self) -> LiveServer:
            return server

        def __exit__(self, *exc: object) -> None:
            manager.__exit__(None, None, None)

    return Held()


async def _signed_in(server: LiveServer) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url}, timeout=30)
    r = await client.post("/api/v1/auth/register", json={
        "username": "faulty", "password": PASSWORD, "display_name": "F"})
    assert r.status_code == 201, r.text
    return client


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL over TCP; the SQLite run tests a lock")
async def test_postgres_unreachable_gives_503_then_recovers(tmp_path: Path) -> None:
    async with proxied_server(tmp_path) as (server, proxy):
        client = await _signed_in(server)
        try:
            assert (await client.get("/api/v1/me")).status_code == 200
            proxy.cut()
            r = await client.get("/api/v1/me")
            assert r.status_code == 503, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert int(r.headers["retry-after"]) > 0
            assert (await client.get("/readyz")).status_code == 503
            assert (await client.get("/healthz")).status_code == 200
            proxy.restore()
            deadline = time.monotonic() + 20
            while (await client.get("/api/v1/me")).status_code != 200:
                assert time.monotonic() < deadline, "the API did not recover by itself"
                await asyncio.sleep(0.2)
        finally:
            await client.aclose()
        log = server.log()
        assert '"status": 500' not in log and "unhandled error" not in log


@pytest.mark.skipif(bool(PG_URL), reason="SQLite fault; the PostgreSQL run cuts the network")
async def test_sqlite_locked_gives_503_then_recovers(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        client = await _signed_in(server)
        try:
            db = sqlite3.connect(tmp_path / "live.sqlite3", timeout=1)
            db.execute("BEGIN EXCLUSIVE")
            try:
                r = await client.patch("/api/v1/me", json={"display_name": "Locked out"})
                assert r.status_code == 503, r.text
                assert r.headers["content-type"] == "application/problem+json"
                assert int(r.headers["retry-after"]) > 0
            finally:
                db.rollback()
                db.close()
            r = await client.patch("/api/v1/me", json={"display_name": "Back again"})
            assert r.status_code == 200
            assert (await client.get("/api/v1/me")).json()["display_name"] == "Back again"
        finally:
            await client.aclose()
