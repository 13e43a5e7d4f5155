"""One error family, one problem+json shape (RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("wellness.errors")

PROBLEM_TYPE = "about:blank"


class WellnessError(Exception):
    """An error a client can act on; it carries its HTTP status."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class ValidationFailed(WellnessError):
    status = 422
    title = "Some fields need attention"

    def __init__(self, errors: list[dict[str, Any]], detail: str | None = None) -> None:
        fields = ", ".join(str(e["field"]) for e in errors)
        super().__init__(detail or f"Please check: {fields}.", errors=errors)


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "message": message}])


class Unauthorized(WellnessError):
    status = 401
    title = "Please sign in"


class Forbidden(WellnessError):
    status = 403
    title = "Not allowed"


class NotFound(WellnessError):
    status = 404
    title = "Not found"


class Conflict(WellnessError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(WellnessError):
    status = 413
    title = "Request too large"


class TooManyRequests(WellnessError):
    status = 429
    title = "Too many attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(WellnessError):
    status = 503
    title = "Temporarily unavailable"

    def __init__(self, detail: str = "Please try again in a moment.", retry_after: int = 5):
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def problem_response(
    status: int, title: str, detail: str | None = None, headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status, headers=headers, media_type="application/problem+json")


_HTTP_TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
}


async def handle_wellness_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WellnessError)
    return JSONResponse(
        exc.to_problem(), exc.status, headers=exc.headers, media_type="application/problem+json"
    )


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = _HTTP_TITLES.get(exc.status_code, "Error")
    detail = exc.detail if exc.detail and exc.detail != title else None
    if exc.status_code == 404:
        detail = f"Nothing at {request.url.path}."
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(exc.status_code, title, detail, headers=dict(exc.headers or {}))


def unexpected_error_response(exc: BaseException) -> Response:
    """The answer for an error no handler expected: 503 when the database is away, else 500."""
    from wellness.db import is_database_unavailable

    if is_database_unavailable(exc):
        log.warning("database unavailable", extra={"error": type(exc).__name__})
        return problem_response(
            503, "Temporarily unavailable", "The service is catching its breath; please try "
            "again in a moment.", headers={"Retry-After": "5"},
        )
    log.exception("unhandled error", extra={"error": type(exc).__name__})
    return problem_response(500, "Something went wrong", "The error was logged.")


def exception_handlers() -> dict[Any, Any]:
    return {
        WellnessError: handle_wellness_error,
        HTTPException: handle_http_exception,
    }
