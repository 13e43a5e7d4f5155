"""Offline sync: apply a batch of operations at most once each, and feed changes to other devices.

Each operation runs in its own transaction together with the row that remembers its op_id, so an
interrupted batch keeps every operation it accepted and a replay applies nothing twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from wellness.config import Settings
from wellness.content.catalog import Catalog
from wellness.errors import WellnessError
from wellness.models.accounts import User
from wellness.models.checkins import ChangeLog, CheckIn, PracticeSession, ScreenerResult, SyncOp
from wellness.services import checkins, practice, screeners
from wellness.services.changes import lock_user
from wellness.validation import Strict, validate_data

MAX_OPS = 500
FEED_PAGE = 500
OpType = Literal["checkin.upsert", "practice.create", "screener.submit"]


class Operation(Strict):
    op_id: uuid.UUID
    type: OpType
    data: dict[str, Any]
    client_updated_at: AwareDatetime


class CheckInOpData(checkins.CheckInInput):
    local_date: str


@dataclass
class BatchResult:
    results: list[dict[str, Any]] = field(default_factory=list)
    safety: bool = False


async def apply_batch(
    settings: Settings, catalog: Catalog, user: User, ops: list[Any]
) -> BatchResult:
    """Answer each operation ``applied``, ``duplicate``, ``superseded`` or ``problem``."""
    parsed: list[Operation | WellnessError] = []
    for index, raw in enumerate(ops):
        try:
            parsed.append(validate_data(Operation, raw, f"ops.{index}."))
        except WellnessError as exc:
            parsed.append(exc)
    ids = [op.op_id for op in parsed if isinstance(op, Operation)]
    known = {op.op_id: op for op in await SyncOp.filter(op_id__in=ids)} if ids else {}
    batch = BatchResult()
    for index, (raw, op) in enumerate(zip(ops, parsed, strict=True)):
        if isinstance(op, WellnessError):
            op_id = raw.get("op_id") if isinstance(raw, dict) else None
            batch.results.append(_problem(op_id if isinstance(op_id, str) else None, op))
            continue
        prior = known.get(op.op_id)
        prefix = f"ops.{index}."
        answer = _replay(user, prior, prefix) if prior else await _apply_once(
            settings, catalog, user, op, prefix)
        # A replayed answer carries the crisis resources again: the first may never have arrived.
        batch.safety = batch.safety or bool(answer.get("safety"))
        batch.results.append(answer)
    return batch


def _problem(op_id: str | None, exc: WellnessError) -> dict[str, Any]:
    return {"op_id": op_id, "status": "problem", "problem": exc.to_problem()}


def _replay(user: User, prior: SyncOp, prefix: str) -> dict[str, Any]:
    if prior.user_id != user.id:  # type: ignore[attr-defined]
        return _problem(str(prior.op_id), WellnessError(
            "That op_id was already used; give each operation a new id.", status=409,
            title="Conflict", errors=[{"field": f"{prefix}op_id", "message": "Already used."}]))
    return {**prior.result, "status": "duplicate", "original_status": prior.status}


async def _apply_once(
    settings: Settings, catalog: Catalog, user: User, op: Operation, prefix: str
) -> dict[str, Any]:
    try:
        async with in_transaction():
            await lock_user(user.id)
            prior = await SyncOp.get_or_none(op_id=op.op_id)
            if prior is not None:
                return _replay(user, prior, prefix)
            answer = await _dispatch(settings, catalog, user, op, prefix)
            await SyncOp.create(op_id=op.op_id, user_id=user.id, type=op.type,
                                status=answer["status"], result=answer)
            return answer
    except WellnessError as exc:
        return _problem(str(op.op_id), exc)
    except IntegrityError:
        # The same op_id committed by a concurrent request (or by someone else) first.
        prior = await SyncOp.get_or_none(op_id=op.op_id)
        if prior is None:
            raise
        return _replay(user, prior, prefix)


async def _dispatch(
    settings: Settings, catalog: Catalog, user: User, op: Operation, prefix: str
) -> dict[str, Any]:
    base = {"op_id": str(op.op_id)}
    where = f"{prefix}data."
    when = checkins.check_client_time(op.client_updated_at, f"{prefix}client_updated_at")
    if op.type == "checkin.upsert":
        data = validate_data(CheckInOpData, op.data, where)
        day = checkins.check_local_date(user, data.local_date, f"{where}local_date")
        recorded = await checkins.record_checkin(settings, user, day, data, when)
        return {**base, "status": recorded.status, "entity": "checkin", "id": day.isoformat(),
                "safety": recorded.safety}
    if op.type == "practice.create":
        pdata = validate_data(practice.PracticeInput, op.data, where)
        logged = await practice.log_session(
            user, pdata, default_id=op.op_id, prefix=where,
            known_slugs=frozenset(m.slug for m in catalog.meditations))
        return {**base, "status": logged.status, "entity": "practice",
                "id": str(logged.session.id)}
    sdata = validate_data(screeners.ScreenerSubmit, op.data, where)
    submitted = await screeners.submit_screener(settings, catalog, user, sdata.instrument, sdata,
                                                default_id=op.op_id, prefix=where)
    return {**base, "status": submitted.status, "entity": "screener",
            "id": str(submitted.result.id), "total": submitted.result.total,
            "band": submitted.result.band, "safety": submitted.safety}


async def changes_since(settings: Settings, user: User, since: int) -> dict[str, Any]:
    """Every record changed after the cursor, newest state only, oldest change first."""
    rows = await ChangeLog.filter(user_id=user.id, id__gt=since).order_by("id").limit(FEED_PAGE + 1)
    more = len(rows) > FEED_PAGE
    rows = rows[:FEED_PAGE]
    latest: dict[tuple[str, str], ChangeLog] = {}
    for row in rows:
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    wanted: dict[str, list[str]] = {}
    for entity, entity_id in latest:
        wanted.setdefault(entity, []).append(entity_id)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if wanted.get("checkin"):
        days = [date.fromisoformat(d) for d in wanted["checkin"]]
        for c in await CheckIn.filter(user_id=user.id, local_date__in=days):
            found[("checkin", c.local_date.isoformat())] = checkins.checkin_view(settings, c)
    if wanted.get("practice"):
        for p in await PracticeSession.filter(user_id=user.id, id__in=wanted["practice"]):
            found[("practice", str(p.id))] = practice.session_view(p)
    if wanted.get("screener"):
        for s in await ScreenerResult.filter(user_id=user.id, id__in=wanted["screener"]):
            found[("screener", str(s.id))] = screeners.result_view(s)
    changes = []
    for key, row in latest.items():
        data = found.get(key)
        changes.append({"entity": row.entity, "id": row.entity_id,
                        "op": row.op if data is not None else "delete", "data": data})
    return {"changes": changes, "cursor": rows[-1].id if rows else since, "more": more}


SYNC_OP_RETENTION = timedelta(days=90)


async def purge_old_sync_ops(now: datetime, keep: timedelta = SYNC_OP_RETENTION) -> int:
    """Forget op ids older than ``keep`` so the table does not grow forever.

    A replay after that still lands once: practice sessions and screeners take their id from
    the op id, and a check-in edit carries its own time (an older one is superseded).
    """
    return await SyncOp.filter(created_at__lt=now - keep).delete()
