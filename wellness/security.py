"""Password hashing, session cookies, the signed-in user, and the CSRF origin check."""

from __future__ import annotations

import asyncio
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from wellness.config import Settings
from wellness.errors import Forbidden, Unauthorized
from wellness.models.accounts import Role, User

MIN_PASSWORD = 8
MAX_PASSWORD = 128
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a staff member without a second factor may still reach when the deployment requires one.
TOTP_SETUP_PATHS = frozenset({"/api/v1/me", "/api/v1/me/totp", "/api/v1/me/totp/confirm"})

_hasher = PasswordHasher()
# argon2id holds 64 MiB for each hash it computes. Hashing runs on its own pool, no wider than
# the machine: more threads than cores add no throughput, only memory (on the default executor
# a burst of sign-ups held six hashes, 465 MiB resident, on 2 cores; bench/load.py).
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))
_hash_pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="argon2")


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("wellness.data").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not acceptable, or None. No composition rules (NIST 800-63B)."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters; 15 or more is better."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    lowered = password.lower()
    if lowered in common_passwords():
        return "This password is too common; a few unrelated words make a strong one."
    if username and lowered == username.lower():
        return "Choose a password that differs from the username."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hash_pool, hash_password, password)


async def verify_password_off_loop(password_hash: str | None, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(
        _hash_pool, verify_password, password_hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists: an unknown user checks a dummy hash."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_cookie_name(settings: Settings) -> str:
    return "__Host-wellness" if settings.https else "wellness"


def set_session_cookie(response: Response, settings: Settings, token: str, max_age: int) -> None:
    response.set_cookie(
        session_cookie_name(settings), token, max_age=max_age, path="/",
        httponly=True, samesite="lax", secure=settings.https,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        session_cookie_name(settings), path="/", httponly=True, samesite="lax",
        secure=settings.https,
    )


def session_token(conn: HTTPConnection) -> str | None:
    settings: Settings = conn.app.state.settings
    return conn.cookies.get(session_cookie_name(settings))


async def current_user(request: Request, *roles: Role) -> User:
    """The signed-in user, optionally limited to some roles; 401 or 403 otherwise."""
    from wellness.services.sessions import resolve_session

    cached: User | None = getattr(request.state, "user", None)
    if cached is None:
        token = session_token(request)
        if not token:
            raise Unauthorized("Sign in to continue.")
        cached = await resolve_session(request.app.state.settings, token)
        if cached is None:
            raise Unauthorized("Your session has ended; please sign in again.")
        request.state.user = cached
    settings: Settings = request.app.state.settings
    if (
        settings.require_counselor_totp
        and cached.role != Role.CLIENT
        and not cached.totp_enabled
        and request.url.path not in TOTP_SETUP_PATHS
    ):
        raise Forbidden("Set up a second factor first (Settings → Security).",
                        totp_setup_required=True)
    if roles and cached.role not in roles:
        raise Forbidden("This needs a different kind of account.")
    return cached


def cross_site_reason(method: str, headers: dict[str, str], origin: str) -> str | None:
    """Why a state-changing request looks cross-site, or None when it is our own."""
    if method not in UNSAFE_METHODS:
        return None
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site and fetch_site not in {"same-origin", "none"}:
        return f"Sec-Fetch-Site is {fetch_site}"
    sent_origin = headers.get("origin")
    if sent_origin and sent_origin.rstrip("/") != origin:
        return "the Origin header names another site"
    return None
