from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import connections

from tests.conftest import _empty_all_tables
from wellness import cli
from wellness.app import create_app
from wellness.config import Settings
from wellness.models.accounts import Role, User
from wellness.models.audit import AuditEntry
from wellness.services.audit import GENESIS, Access, record_access, verify_chain


async def actor() -> User:
    return await User.create(username="auditor", password_hash="x", display_name="Auditor",
                             role=Role.COUNSELOR)


async def test_rows_chain_and_verify(app: Starlette) -> None:
    counselor = await actor()
    await record_access(counselor, [Access("client-a", "summary", "allowed", ["notes"])])
    await record_access(counselor, [Access("client-b", "caseload", "allowed"),
                                    Access("client-c", "caseload", "allowed")])
    rows = await AuditEntry.all().order_by("id")
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    report = await verify_chain()
    assert report.ok and report.checked == 3


async def test_concurrent_writers_keep_one_unbroken_chain(app: Starlette) -> None:
    counselor = await actor()
    await asyncio.gather(*(
        record_access(counselor, [Access(f"client-{n}", "summary", "allowed")] * 3)
        for n in range(20)
    ))
    report = await verify_chain(batch=7)
    assert report.ok and report.checked == 60


async def test_an_edited_row_is_detected_and_named(app: Starlette) -> None:
    counselor = await actor()
    for n in range(5):
        await record_access(counselor, [Access(f"client-{n}", "summary", "denied")])
    target = (await AuditEntry.all().order_by("id"))[2]
    await AuditEntry.filter(id=target.id).update(outcome="allowed")
    report = await verify_chain()
    assert (report.broken_id, report.checked) == (target.id, 2)
    assert "hash" in (report.reason or "")


async def test_a_removed_row_is_detected(app: Starlette) -> None:
    counselor = await actor()
    for n in range(4):
        await record_access(counselor, [Access(f"client-{n}", "report", "allowed")])
    rows = await AuditEntry.all().order_by("id")
    await AuditEntry.filter(id=rows[1].id).delete()
    assert (await verify_chain()).broken_id == rows[2].id


async def test_rows_outlive_the_accounts_they_name(app: Starlette) -> None:
    counselor = await actor()
    await record_access(counselor, [Access("client-x", "summary", "allowed")])
    await counselor.delete()
    assert (await AuditEntry.get()).actor_id == str(counselor.id)
    assert (await verify_chain()).ok


def test_cli_audit_verify_fails_naming_the_edited_row(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    async def prepare() -> int:
        application = create_app(settings, generate_schemas=True)
        async with LifespanManager(application):
            await _empty_all_tables()
            counselor = await actor()
            for n in range(3):
                await record_access(counselor, [Access(f"client-{n}", "summary", "allowed")])
            return (await AuditEntry.all().order_by("id"))[1].id

    async def tamper(row_id: int) -> None:
        application = create_app(settings)
        async with LifespanManager(application):
            conn = connections.get("default")
            await conn.execute_query(
                "UPDATE audit_entries SET subject_id = 'someone-else' WHERE id = " + str(row_id))

    row_id = asyncio.run(prepare())
    monkeypatch.setenv("WELLNESS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WELLNESS_VAR_DIR", str(tmp_path))
    assert cli.main(["audit", "verify"]) == 0
    assert "3 rows" in capsys.readouterr().out

    asyncio.run(tamper(row_id))
    assert cli.main(["audit", "verify"]) == 1
    assert f"Audit row {row_id} is broken" in capsys.readouterr().err
