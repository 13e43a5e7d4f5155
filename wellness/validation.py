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


def validate_data(model: type[M], data: Any, prefix: str = "") -> M:
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
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors_from(exc, "query.")) from None
