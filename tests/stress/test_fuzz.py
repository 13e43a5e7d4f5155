"""Schemathesis against /api/openapi.json, as a client, a counselor and an admin in turn.

No 5xx, no response outside its documented schema, no stack trace or internal detail in a body.
`make fuzz` runs the same with more examples (WELLNESS_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD
from tests.live import LiveServer, live_server

EXAMPLES = int(os.environ.get("WELLNESS_FUZZ_EXAMPLES", "100"))
LEAKS = re.compile(r"Traceback|File \"/|tortoise\.|asyncpg|sqlite3|pydantic_core|line \d+, in ")

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    with live_server(tmp) as live:
        yield live


@pytest.fixture(scope="module")
def sessions(server: LiveServer) -> dict[str, requests.Session]:
    """One signed-in session per role, made before any fuzzing can throttle sign-in."""
    admin = _session(server)
    made = _session(server)
    r = made.post(server.url + "/api/v1/auth/register",
                  json={"username": "fuzz-client", "password": PASSWORD,
                        "display_name": "Fuzz", "timezone": "America/Denver"}, timeout=10)
    assert r.status_code == 201, r.text
    for name, role in (("fuzz-admin", "admin"), ("fuzz-counselor", "counselor")):
        done = server.wellness("user", "create", name, "--role", role,
                               WELLNESS_NEW_USER_PASSWORD=PASSWORD)
        assert done.returncode == 0, done.stderr
    r = admin.post(server.url + "/api/v1/auth/login",
                   json={"username": "fuzz-admin", "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    counselor = _session(server)
    r = counselor.post(server.url + "/api/v1/auth/login",
                       json={"username": "fuzz-counselor", "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return {"client": made, "counselor": counselor, "admin": admin}


def _session(server: LiveServer) -> requests.Session:
    s = requests.Session()
    s.headers["Origin"] = server.url
    return s


@pytest.fixture(scope="module")
def api_schema(server: LiveServer) -> Any:
    schema = schemathesis.openapi.from_url(server.url + "/api/openapi.json")
    # Ending one's own session or account would only fuzz a signed-out API from then on.
    return schema.exclude(path_regex=r"^/api/v1/auth/logout$").exclude(
        method="DELETE", path="/api/v1/me").exclude(path="/api/v1/me/password")


def no_internal_detail(ctx: Any, response: Any, case: Any) -> bool | None:
    if LEAKS.search(response.text or ""):
        raise AssertionError(f"internal detail in the body of {case.method} {case.path}")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, no_internal_detail]


def fuzz(api_schema: Any, session: requests.Session, server: LiveServer) -> None:
    """Every operation, EXAMPLES generated cases each; all failures are reported together."""
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def run(case: Any) -> None:
            case.call_and_validate(base_url=server.url, session=session, checks=CHECKS,
                                   timeout=30)

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert operations >= 10
    assert not failures, "\n\n".join(failures)


def test_api_as_a_client(api_schema: Any, sessions: dict[str, requests.Session],
                         server: LiveServer) -> None:
    fuzz(api_schema, sessions["client"], server)


def test_api_as_a_counselor(api_schema: Any, sessions: dict[str, requests.Session],
                            server: LiveServer) -> None:
    fuzz(api_schema, sessions["counselor"], server)


def test_api_as_an_admin(api_schema: Any, sessions: dict[str, requests.Session],
                         server: LiveServer) -> None:
    fuzz(api_schema, sessions["admin"], server)
