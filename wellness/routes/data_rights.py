"""Data rights: export everything stored about me, or erase my account."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wellness.openapi import operation
from wellness.security import clear_session_cookie, current_user
from wellness.services import export
from wellness.validation import Strict, parse_body, parse_query


class ExportQuery(Strict):
    format: Literal["json", "csv"] = "json"


class ExportOut(BaseModel):
    format: str
    exported_at: str
    user_id: str
    counts: dict[str, int]
    tables: dict[str, list[dict[str, Any]]]


class EraseIn(Strict):
    password: str = Field(min_length=1, max_length=1024)


@operation("Everything stored about me (notes decrypted): JSON, or a zip of CSVs",
           query=ExportQuery, response=ExportOut, tag="me")
async def export_me(request: Request) -> Response:
    user = await current_user(request)
    query = parse_query(request, ExportQuery)
    data = await export.export_user(request.app.state.settings, user)
    stamp = data["exported_at"][:10]
    if query.format == "csv":
        return Response(export.export_zip(data), media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="wellness-export-{stamp}.zip"'})
    return JSONResponse(data, headers={
        "Content-Disposition": f'attachment; filename="wellness-export-{stamp}.json"'})


@operation("Erase my account and everything that references it (password required)",
           body=EraseIn, status=204, tag="me")
async def erase_me(request: Request) -> Response:
    user = await current_user(request)
    data = await parse_body(request, EraseIn)
    settings = request.app.state.settings
    await export.erase_user(settings, user, data.password)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


routes = [
    Route("/me/export", export_me, methods=["GET"]),
    Route("/me", erase_me, methods=["DELETE"], name="erase_me"),
]
