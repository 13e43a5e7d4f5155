from __future__ import annotations

import re
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import connections

from tests.conftest import http_client
from wellness.config import SETTINGS_DOC, Settings
from wellness.openapi import iter_routes

ROOT = Path(__file__).resolve().parents[2]


async def test_healthz_answers_without_io(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


async def test_readyz_fails_when_database_unreachable(app: Starlette,
                                                     client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).status_code == 200
    conn = connections.get("default")
    await conn.close()
    original = conn.execute_query

    async def unreachable(*args: object, **kwargs: object) -> object:
        raise ConnectionRefusedError("database is down")

    conn.execute_query = unreachable  # type: ignore[method-assign]
    try:
        r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"]
    finally:
        conn.execute_query = original  # type: ignore[method-assign]
    assert (await client.get("/readyz")).status_code == 200


async def test_security_headers_on_a_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404
    csp = r.headers["content-security-policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in r.headers["permissions-policy"]
    assert r.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in r.headers


async def test_405_is_problem_json(client: httpx.AsyncClient) -> None:
    r = await client.delete("/api/v1/auth/login")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"
    assert "x-content-type-options" in r.headers


async def test_unexpected_error_is_problem_json_with_headers(make_app: object) -> None:
    from starlette.routing import Route

    async def boom(request: object) -> None:
        raise RuntimeError("internal detail that must not leak")

    app = make_app()  # type: ignore[operator]
    app.router.routes.insert(0, Route("/api/v1/boom", boom))
    async with LifespanManager(app), http_client(app) as c:
        r = await c.get("/api/v1/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "internal detail" not in r.text
    assert "content-security-policy" in r.headers


async def test_hsts_only_over_https(make_app: object) -> None:
    app = make_app(origin="https://wellness.example.org")  # type: ignore[operator]
    async with LifespanManager(app), http_client(app) as c:
        r = await c.get("/healthz")
    assert r.headers["strict-transport-security"].startswith("max-age=")


def _readme_api_rows() -> set[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\|\s*`([A-Z]+)`\s*\|\s*`([^`]+)`", text, flags=re.M)
    return {(m, p) for m, p in rows}


async def test_every_route_is_in_openapi_and_readme(app: Starlette,
                                                    client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api/openapi.json")).json()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    routes = set()
    for path, route in iter_routes(app.routes):
        for method in (route.methods or set()) - {"HEAD"}:
            routes.add((method, path))
    assert routes, "no routes found"
    assert routes == documented
    readme = _readme_api_rows()
    assert routes - readme == set(), "routes missing from README's API table"
    assert readme - routes == set(), "README lists routes that do not exist"


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r"WELLNESS_[A-Z_]+", Path(ROOT / "wellness/config.py").read_text()))
    assert names <= set(SETTINGS_DOC) | {"WELLNESS_NEW_USER_PASSWORD"}
    for name in SETTINGS_DOC:
        assert name in readme, f"{name} is not in the README"


def test_deploy_check_flags_unsafe_settings() -> None:
    from wellness.config import deploy_problems

    unsafe = Settings(database_url="sqlite://x", debug=True, workers=4, generated_secrets=True)
    text = " ".join(deploy_problems(unsafe))
    for word in ("DEBUG", "generated", "https", "SQLite"):
        assert word in text
    safe = Settings(database_url="postgres://db/w", origin="https://w.example.org",
                    secret_key="k", data_key="d", vapid_private_key="v",
                    vapid_contact="mailto:ops@w.example.org")
    assert deploy_problems(safe) == []
