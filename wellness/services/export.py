"""Data rights: export everything stored about a user, and erase it.

Both are generic over the registered models: any model with a foreign key to ``User`` is
included, so tables added later are exported and checked without changes here. A model with
``*_sealed`` columns tells export how to open them with a static method
``export_sealed_context(row, field) -> str`` (the AES-GCM associated data); without it the
sealed column is left out rather than guessed.

Two kinds of rows are about the user without such a key, and are added by name: the access
history (audit rows hold ids as strings so they outlive accounts) and the items of the user's
routines.
"""

from __future__ import annotations

import base64
import csv
import enum
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidTag
from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.fields import OnDelete
from tortoise.models import Model
from tortoise.transactions import in_transaction

from wellness.config import Settings
from wellness.crypto import Cipher, keyed_hash
from wellness.models.accounts import AccountTombstone, User
from wellness.models.audit import AuditEntry
from wellness.models.routines import RoutineItem
from wellness.services.accounts import require_password

SECRET_NAMES = frozenset({"password_hash", "token_hash", "code_hash", "totp_secret_sealed",
                          "p256dh", "auth", "auth_secret", "endpoint", "keys"})
SECRET_PARTS = ("password", "secret", "token")
SEALED = "_sealed"


@dataclass(frozen=True)
class UserTable:
    model: type[Model]
    source_fields: tuple[str, ...]  # e.g. ("user_id",) or ("client_id", "counselor_id")

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    def query(self, user_id: uuid.UUID) -> Q:
        conditions: dict[str, Any] = {}
        parts = [Q(**{**conditions, name: user_id}) for name in self.source_fields]
        return Q(*parts, join_type="OR")


def user_tables() -> list[UserTable]:
    """Every registered model with a foreign key (or one-to-one) to User."""
    found: list[UserTable] = []
    for app in Tortoise.apps.values():
        for model in app.values():
            meta = model._meta
            names = tuple(sorted(
                meta.fields_map[name].source_field
                for name in meta.fk_fields | meta.o2o_fields
                if meta.fields_map[name].related_model is User
            ))
            if names:
                found.append(UserTable(model, names))
    return sorted(found, key=lambda t: t.table)


def _is_secret(name: str) -> bool:
    return (name in SECRET_NAMES or name.endswith("_hash")
            or any(part in name for part in SECRET_PARTS))


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v) for v in value]
    return value


def _clean_row(model: type[Model], row: dict[str, Any], cipher: Cipher) -> dict[str, Any]:
    context = getattr(model, "export_sealed_context", None)
    out: dict[str, Any] = {}
    for name, value in row.items():
        if _is_secret(name):
            continue
        if name.endswith(SEALED):
            if context is None:
                continue
            plain = None
            if value:
                try:
                    plain = cipher.open(value, context(row, name))
                except (InvalidTag, ValueError):
                    plain = None
            out[name.removesuffix(SEALED)] = plain
            continue
        out[name] = json_safe(value)
    return out


async def export_user(settings: Settings, user: User) -> dict[str, Any]:
    """Everything stored about the user, notes decrypted, secrets left out."""
    cipher = Cipher(settings.data_key)
    user_rows = await User.filter(id=user.id).values()
    tables: dict[str, list[dict[str, Any]]] = {
        "users": [_clean_row(User, row, cipher) for row in user_rows],
    }
    for table in user_tables():
        rows = await table.model.filter(table.query(user.id)).order_by(
            table.model._meta.pk_attr).values()
        tables[table.table] = [_clean_row(table.model, row, cipher) for row in rows]
    tables.update(await _linked_rows(user, [row["id"] for row in tables.get("routines", [])]))
    return {
        "format": "wellness-export/1",
        "exported_at": datetime.now(UTC).isoformat(),
        "user_id": str(user.id),
        "counts": {name: len(rows) for name, rows in tables.items()},
        "tables": tables,
    }


ACCESS_FIELDS = ("id", "actor_id", "actor_role", "subject_id", "resource", "scopes", "action",
                 "outcome", "created_at")


async def _linked_rows(user: User, routine_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Access history, as subject or as the one who looked, and the items of the routines."""
    uid = str(user.id)
    access = await AuditEntry.filter(Q(subject_id=uid) | Q(actor_id=uid)).order_by(
        "id").values(*ACCESS_FIELDS)
    items = await RoutineItem.filter(routine_id__in=routine_ids).order_by(
        "routine_id", "position").values() if routine_ids else []
    return {
        "access_history": [{k: json_safe(v) for k, v in row.items()} for row in access],
        str(RoutineItem._meta.db_table): [{k: json_safe(v) for k, v in row.items()}
                                          for row in items],
    }


def export_zip(export: dict[str, Any]) -> bytes:
    """One CSV per table; nested values (lists, objects) are written as JSON."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in export["tables"].items():
            text = io.StringIO()
            columns: list[str] = []
            for row in rows:
                columns.extend(key for key in row if key not in columns)
            writer = csv.writer(text)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in columns])
            archive.writestr(f"{name}.csv", text.getvalue())
        meta = {k: v for k, v in export.items() if k != "tables"}
        archive.writestr("export.json", json.dumps(meta, indent=2))
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def rows_referencing(user_id: uuid.UUID) -> dict[str, int]:
    """Tables that still hold rows pointing at the user, with how many."""
    left: dict[str, int] = {}
    for table in user_tables():
        count = await table.model.filter(table.query(user_id)).count()
        if count:
            left[table.table] = count
    if await User.filter(id=user_id).exists():
        left["users"] = 1
    return left


async def erase_user(settings: Settings, user: User, password: str) -> None:
    """Delete the user and every row that references them; keep a pseudonymous tombstone."""
    await require_password(user, password)
    async with in_transaction():
        for table in user_tables():
            for name in table.source_fields:
                field = next(f for f in table.model._meta.fields_map.values()
                             if getattr(f, "source_field", None) == name)
                if getattr(field, "on_delete", OnDelete.CASCADE) not in (
                        OnDelete.CASCADE, OnDelete.SET_NULL, OnDelete.SET_DEFAULT):
                    await table.model.filter(**{name: user.id}).delete()
        await User.filter(id=user.id).delete()
        left = await rows_referencing(user.id)
        if left:
            raise RuntimeError(f"rows still reference an erased account in: {sorted(left)}")
        await AccountTombstone.create(
            user_hash=keyed_hash(settings.secret_key, str(user.id)), role=user.role.value
        )
