"""Access history: append hash-chained audit rows, read a client's history, verify the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from wellness.models.accounts import User
from wellness.models.audit import AuditEntry

GENESIS = "0" * 64
# Any fixed number: the key of the PostgreSQL advisory lock that serializes appends.
CHAIN_LOCK = 0x57E11A0D17


@dataclass(frozen=True)
class Access:
    """One read to record: whose data, which resource, the scopes it covered, and how it went."""

    subject_id: str
    resource: str
    outcome: str
    scopes: Sequence[str] = ()


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    canonical = json.dumps(
        {
            "actor_id": fields["actor_id"], "actor_role": fields["actor_role"],
            "subject_id": fields["subject_id"], "resource": fields["resource"],
            "scopes": fields["scopes"], "action": fields["action"],
            "outcome": fields["outcome"], "created_at": _stamp(fields["created_at"]),
            "prev_hash": prev_hash,
        },
        sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def record_access(actor: User, accesses: Sequence[Access], at: datetime | None = None,
                        action: str = "read") -> None:
    """Append rows in one transaction; a constant number of queries whatever their count.

    Appends are serialized (PostgreSQL: a transaction-level advisory lock; SQLite: its single
    writer) so each row's ``prev_hash`` is the hash of the row committed just before it.
    """
    if not accesses:
        return
    at = at or datetime.now(UTC)
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})")
        last = await AuditEntry.all().using_db(conn).order_by("-id").limit(1).values_list(
            "hash", flat=True)
        prev = str(last[0]) if last else GENESIS
        rows = []
        for access in accesses:
            fields: dict[str, Any] = {
                "actor_id": str(actor.id), "actor_role": str(actor.role),
                "subject_id": access.subject_id, "resource": access.resource,
                "scopes": ",".join(sorted(access.scopes)), "action": action,
                "outcome": access.outcome, "created_at": at,
            }
            digest = entry_hash(fields, prev)
            rows.append(AuditEntry(**fields, prev_hash=prev, hash=digest))
            prev = digest
        await AuditEntry.bulk_create(rows, using_db=conn)


async def access_log(user: User, before_id: int | None, limit: int) -> list[dict[str, Any]]:
    """The user's own history: who looked at what, when, and whether it was allowed."""
    query = AuditEntry.filter(subject_id=str(user.id))
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    entries = await query.order_by("-id").limit(limit)
    actor_ids = {e.actor_id for e in entries}
    names = dict(await User.filter(id__in=list(actor_ids)).values_list("id", "display_name"))
    names = {str(k): v for k, v in names.items()}
    return [
        {
            "id": e.id,
            "actor_id": e.actor_id,
            "actor_name": names.get(e.actor_id, "a deleted account"),
            "actor_role": e.actor_role,
            "resource": e.resource,
            "scopes": [s for s in e.scopes.split(",") if s],
            "action": e.action,
            "outcome": e.outcome,
            "at": _stamp(e.created_at),
        }
        for e in entries
    ]


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


async def verify_chain(batch: int = 1000) -> ChainReport:
    """Walk every row in order; the first whose links or hash do not match is reported."""
    prev = GENESIS
    checked = 0
    after = 0
    while True:
        rows = await AuditEntry.filter(id__gt=after).order_by("id").limit(batch)
        if not rows:
            return ChainReport(checked, None, None)
        for row in rows:
            fields = {
                "actor_id": row.actor_id, "actor_role": row.actor_role,
                "subject_id": row.subject_id, "resource": row.resource, "scopes": row.scopes,
                "action": row.action, "outcome": row.outcome, "created_at": row.created_at,
            }
            if row.prev_hash != prev:
                return ChainReport(checked, row.id, "its previous-hash does not match the row "
                                   "before it (a row was changed, removed or inserted)")
            if entry_hash(fields, prev) != row.hash:
                return ChainReport(checked, row.id, "its contents do not match its hash")
            prev = row.hash
            checked += 1
            after = row.id
