"""Pure ASGI middleware: request log, security headers, CSRF origin check, error boundary."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wellness.config import Settings
from wellness.errors import problem_response, unexpected_error_response
from wellness.security import cross_site_reason

log = logging.getLogger("wellness.http")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"


class SecurityHeaders:
    """Adds the security headers to every response, errors included."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.https = settings.https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Permissions-Policy"] = PERMISSIONS
                headers["X-Frame-Options"] = "DENY"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                if self.https:
                    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
                if is_api:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLog:
    """One JSON line per request: id, method, route path, status, duration. Never bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            fields: dict[str, Any] = {
                "request_id": request_id,
                "method": scope["method"],
                "path": _route_template(scope),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            log.info("request", extra=fields)
            metrics = scope.get("app")
            if metrics is not None and hasattr(metrics.state, "metrics"):
                metrics.state.metrics.observe(fields["path"], status, fields["duration_ms"])


def _route_template(scope: Scope) -> str:
    """The matched route's template (ids stay out of logs), else the first path segment."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return str(scope.get("root_path", "")) + path
    raw = str(scope["path"])
    return raw if raw.count("/") <= 2 else "/".join(raw.split("/")[:3]) + "/…"


class OriginCheck:
    """Refuses state-changing API requests that come from another site (CSRF)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.origin = settings.origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            reason = cross_site_reason(scope["method"], headers, self.origin)
            if reason:
                response = problem_response(
                    403, "Cross-site request refused",
                    f"This request must come from the app itself ({reason}).",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ErrorBoundary:
    """Turns an unexpected exception into a problem+json 500 (or 503 when the database is away)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            if started:
                raise
            await unexpected_error_response(exc)(scope, receive, send)
