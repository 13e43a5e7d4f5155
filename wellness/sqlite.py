"""SQLite with one writer and a small pool of readers, as a Tortoise engine.

Tortoise's own SQLite client keeps one connection and runs every statement under one lock, so a
read waits for whatever write transaction holds it (a sync batch, an audit append). In WAL mode
SQLite lets readers run beside the writer, each seeing the last committed state. This client
sends plain SELECTs issued outside a transaction to a pool of read-only connections (each on its
own thread) and keeps every other statement, and every statement inside a transaction, on the
writer, so a transaction still reads its own uncommitted writes. The hand-written hot reads of
``wellness.db.fetch`` go one step further and run on the loop's thread (see ``read_inline``).

Configured by ``wellness.db.tortoise_config`` (engine ``wellness.sqlite``); an in-memory database
has no readers, since each connection would see a database of its own.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.exceptions import IntegrityError, OperationalError

DEFAULT_READERS = 3
# Pragmas that only the writer may set; readers take the rest (busy_timeout and the like).
WRITER_ONLY = {"journal_mode", "journal_size_limit", "synchronous", "foreign_keys"}


def is_plain_read(query: str) -> bool:
    return query.lstrip()[:6].upper() == "SELECT"


class ReadPoolSqliteClient(SqliteClient):
    def __init__(self, file_path: str, read_connections: int = DEFAULT_READERS,
                 **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        in_memory = file_path == ":memory:" or "mode=memory" in file_path
        self.reader_count = 0 if in_memory else int(read_connections)
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._opened: list[aiosqlite.Connection] = []
        self._opening = asyncio.Lock()
        self._inline: sqlite3.Connection | None = None

    async def create_connection(self, with_db: bool) -> None:
        await super().create_connection(with_db)
        async with self._opening:
            await self._open_readers()

    async def _open_readers(self) -> None:
        while len(self._opened) < self.reader_count:
            reader = await aiosqlite.connect(self.filename, isolation_level=None)
            try:
                reader._conn.row_factory = sqlite3.Row
                for pragma, value in self.pragmas.items():
                    if pragma not in WRITER_ONLY:
                        await (await reader.execute(f"PRAGMA {pragma}={value}")).close()
                await (await reader.execute("PRAGMA query_only=ON")).close()
            except BaseException:
                await reader.close()
                raise
            self._opened.append(reader)
            self._readers.put_nowait(reader)

    async def close(self) -> None:
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        opened, self._opened = self._opened, []
        self._readers = asyncio.Queue()
        for reader in opened:
            await reader.close()
        await super().close()

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        if not self._opened:
            await self.create_connection(with_db=True)
        reader = await self._readers.get()
        try:
            yield reader
        finally:
            if reader in self._opened:
                self._readers.put_nowait(reader)

    async def _read(self, query: str, values: list[Any] | None) -> list[sqlite3.Row]:
        try:
            async with self._reader() as reader:
                self.log.debug("%s: %s", query, values)
                return list(await reader.execute_fetchall(query, values))
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc

    def read_inline(self, query: str, values: list[Any]) -> list[dict[str, Any]] | None:
        """Rows of a small indexed read, run on the event loop's own thread.

        For ``wellness.db.fetch`` only (the session lookup, Today, the caseload): SQLite answers
        those in microseconds from the page cache, less than handing them to a reader thread
        and back costs. Never waits for a lock: if SQLite is busy (a checkpoint resetting the
        WAL, say), or there is no reader pool, this returns None and the caller takes the pool.
        """
        if not self.reader_count:
            return None
        if self._inline is None:
            inline = sqlite3.connect(self.filename, isolation_level=None,
                                     check_same_thread=False)
            inline.row_factory = sqlite3.Row
            inline.execute("PRAGMA query_only=ON")
            inline.execute("PRAGMA busy_timeout=0")
            self._inline = inline
        try:
            return [dict(row) for row in self._inline.execute(query, values)]
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return None
            raise OperationalError(exc) from exc

    async def execute_query(self, query: str, values: list[Any] | None = None
                            ) -> tuple[int, Sequence[dict[str, Any]]]:
        if self.reader_count and is_plain_read(query):
            rows = await self._read(query.replace("\x00", "'||CHAR(0)||'"), values)
            return len(rows), rows  # type: ignore[return-value]
        result: tuple[int, Sequence[dict[str, Any]]] = await super().execute_query(query, values)
        return result

    async def execute_query_dict(self, query: str,
                                 values: list[Any] | None = None) -> list[dict[str, Any]]:
        if self.reader_count and is_plain_read(query):
            rows = await self._read(query.replace("\x00", "'||CHAR(0)||'"), values)
            return [dict(row) for row in rows]
        result: list[dict[str, Any]] = await super().execute_query_dict(query, values)
        return result


client_class = ReadPoolSqliteClient
