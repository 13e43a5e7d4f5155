"""The OpenAPI document, generated from the route table and the pydantic models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.routing import BaseRoute, Mount, Route

F = TypeVar("F", bound=Callable[..., Any])

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status"],
}


@dataclass(frozen=True)
class Operation:
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    media_type: str = "application/json"
    auth: bool = True
    tag: str = "api"


def operation(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    media_type: str = "application/json",
    auth: bool = True,
    tag: str = "api",
) -> Callable[[F], F]:
    """Describe a handler for the OpenAPI document; it changes nothing at run time."""

    def mark(func: F) -> F:
        ops = dict(getattr(func, "__openapi__", {}))
        ops["*"] = Operation(summary, body, query, response, status, media_type, auth, tag)
        func.__openapi__ = ops  # type: ignore[attr-defined]
        return func

    return mark


def iter_routes(routes: Sequence[BaseRoute], prefix: str = "") -> list[tuple[str, Route]]:
    found: list[tuple[str, Route]] = []
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            found.extend(iter_routes(route.routes, prefix + route.path))
        elif isinstance(route, Route) and route.include_in_schema:
            found.append((prefix + route.path, route))
    return found


def _params(path: str, query: type[BaseModel] | None, defs: dict[str, Any]) -> list[Any]:
    params: list[dict[str, Any]] = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1].split(":")[0]
            params.append({"name": name, "in": "path", "required": True,
                           "schema": {"type": "string"}})
    if query is not None:
        schema = query.model_json_schema(ref_template="#/components/schemas/{model}")
        defs.update(schema.pop("$defs", {}))
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required,
                           "schema": prop})
    return params


def _schema_ref(model: type[BaseModel], defs: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
    defs.update(schema.pop("$defs", {}))
    defs[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(routes: Sequence[BaseRoute], version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    defs: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, route in iter_routes(routes):
        op: Operation | None = getattr(route.endpoint, "__openapi__", {}).get("*")
        clean_path = "/".join(
            p.split(":")[0] + "}" if p.startswith("{") and ":" in p else p for p in path.split("/")
        )
        for method in sorted((route.methods or set()) - {"HEAD"}):
            entry: dict[str, Any] = {
                "summary": op.summary if op else (route.name or path),
                "operationId": f"{method.lower()}_{route.name}",
                "tags": [op.tag if op else "api"],
                "parameters": _params(clean_path, op.query if op else None, defs),
                "responses": {
                    "default": {"description": "A problem", "content": problem},
                },
            }
            if op and op.body is not None:
                entry["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _schema_ref(op.body, defs,
                                                                            "validation")}},
                }
            ok: dict[str, Any] = {"description": "OK"}
            if op and op.response is not None:
                ok["content"] = {op.media_type: {"schema": _schema_ref(op.response, defs,
                                                                      "serialization")}}
            elif op and op.status != 204:
                ok["content"] = {op.media_type: {"schema": {}}}
            entry["responses"][str(op.status if op else 200)] = ok
            if op and op.auth:
                entry["security"] = [{"session": []}]
                entry["responses"]["401"] = {"description": "Not signed in", "content": problem}
            if op and (op.body is not None or op.query is not None):
                entry["responses"]["422"] = {"description": "Invalid input", "content": problem}
            paths.setdefault(clean_path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Wellness API", "version": version},
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "wellness"},
            },
        },
    }
