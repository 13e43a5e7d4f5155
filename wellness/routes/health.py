"""Operations endpoints outside /api/v1: liveness, readiness, metrics, the OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from tortoise import connections

from wellness.errors import ServiceUnavailable
from wellness.openapi import build_document, operation


@operation("Liveness: the process answers (no I/O)", auth=False, tag="operations")
async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


@operation("Readiness: the database answers", auth=False, tag="operations")
async def readyz(request: Request) -> Response:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        raise ServiceUnavailable("The database is not reachable.") from None
    return JSONResponse({"status": "ready"})


@operation("Request counters in Prometheus text format", auth=False, tag="operations",
           media_type="text/plain")
async def metrics(request: Request) -> Response:
    return PlainTextResponse(request.app.state.metrics.render(),
                             media_type="text/plain; version=0.0.4")


@operation("This OpenAPI document", auth=False, tag="operations")
async def openapi(request: Request) -> Response:
    state = request.app.state
    if getattr(state, "openapi", None) is None:
        state.openapi = build_document(request.app.routes, state.version)
    return JSONResponse(state.openapi)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/api/openapi.json", openapi, methods=["GET"]),
]
