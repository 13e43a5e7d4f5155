"""Parse request bodies and query strings into pydantic models; errors name each field."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from wellness.errors import PayloadTooLarge, ValidationFailed, field_error

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base for request models: unknown fields are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def errors_from(exc: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"])
        field = f"{prefix}{loc}" if loc else (prefix.rstrip(".") or "body")
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "Unknown field."
        elif err["type"] == "missing":
            message = "This field is required."
        out.append({"field": field, "message": message})
    return out


def _unstorable(value: str) -> bool:
    # NUL and lone surrogates cannot be stored as text (PostgreSQL refuses both).
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def find_unstorable(data: Any, path: str = "") -> str | None:
    """The dotted path of the first string that holds NUL or a lone surrogate, if any."""
    if isinstance(data, str):
        return path or "body" if _unstorable(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}{key}"
            if isinstance(key, str) and _unstorable(key):
                return where
            found = find_unstorable(value, where + ".")
            if found:
                return found.rstrip(".")
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = find_unstorable(value, f"{path}{index}.")
            if found:
                return found.rstrip(".")
    return None


def validate_data(model: type[M], data: Any, prefix: str = "") -> M:
    bad = find_unstorable(data)
    if bad:
        raise field_error(f"{prefix}{bad}", "Contains characters that cannot be stored.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors_from(exc, prefix)) from None


async def read_json(request: Request) -> Any:
    limit: int = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body may be at most {limit} bytes.")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > limit:
            raise PayloadTooLarge(f"The body may be at most {limit} bytes.")
    if not chunks:
        raise field_error("body", "A JSON body is required.")
    try:
        return json.loads(chunks)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(
            exc, json.JSONDecodeError) else ""
        raise field_error("body", f"The body is not valid JSON{where}.") from None


async def parse_body(request: Request, model: type[M]) -> M:
    return validate_data(model, await read_json(request))


def parse_query(request: Request, model: type[M]) -> M:
    data: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        data[key] = values if len(values) > 1 else values[0]
    return validate_data(model, data, "query.")
