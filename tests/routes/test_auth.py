from __future__ import annotations

import asyncio
import threading

import httpx

from tests.conftest import PASSWORD, SignedIn
from wellness.models.accounts import Session
from wellness.security import HASH_THREADS


async def register(client: httpx.AsyncClient, **overrides: object) -> httpx.Response:
    body = {"username": "river", "password": PASSWORD, "display_name": "River",
            "timezone": "America/Chicago"}
    body.update(overrides)
    return await client.post("/api/v1/auth/register", json=body)


async def test_register_login_me_logout_then_old_cookie_is_refused(
    client: httpx.AsyncClient,
) -> None:
    r = await register(client)
    assert r.status_code == 201
    assert r.json()["username"] == "river"
    assert r.json()["email"] is None
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("samesite", "SameSite")

    client.cookies.clear()
    r = await client.post("/api/v1/auth/login", json={"username": "River", "password": PASSWORD})
    assert r.status_code == 200
    token = client.cookies.get("wellness")
    assert token and len(token) >= 22

    r = await client.get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["display_name"] == "River"
    assert r.json()["timezone"] == "America/Chicago"

    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    client.cookies.set("wellness", token)
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


async def test_only_a_hash_of_the_session_token_is_stored(client: httpx.AsyncClient) -> None:
    await register(client)
    token = client.cookies.get("wellness")
    assert token
    stored = await Session.all().values_list("token_hash", flat=True)
    assert len(stored) == 1 and token not in stored[0]


async def test_a_new_login_issues_a_new_token(client: httpx.AsyncClient) -> None:
    await register(client)
    first = client.cookies.get("wellness")
    await client.post("/api/v1/auth/login", json={"username": "river", "password": PASSWORD})
    assert client.cookies.get("wellness") != first


async def test_cross_site_post_is_refused(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/register",
        json={"username": "x1x", "password": PASSWORD, "display_name": "X"},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    assert r.json()["title"] == "Cross-site request refused"
    r = await client.post("/api/v1/auth/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403


async def test_sixth_rapid_wrong_password_is_throttled(client: httpx.AsyncClient) -> None:
    await register(client)
    client.cookies.clear()
    bad = {"username": "river", "password": "not the password"}
    statuses = [(await client.post("/api/v1/auth/login", json=bad)).status_code
                for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    r = await client.post("/api/v1/auth/login", json={"username": "river", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0


async def test_unknown_user_and_wrong_password_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    client.cookies.clear()
    wrong = await client.post("/api/v1/auth/login",
                              json={"username": "river", "password": "nope nope nope"})
    unknown = await client.post("/api/v1/auth/login",
                                json={"username": "nobody", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_weak_password_is_422_naming_the_field(client: httpx.AsyncClient) -> None:
    for weak in ("short", "password123", "iloveyou1"):
        r = await register(client, password=weak)
        assert r.status_code == 422, weak
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == "password"


async def test_malformed_json_and_unknown_fields_are_422(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/register", content=b'{"username": ',
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "body"
    r = await register(client, is_admin=True)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "is_admin", "message": "Unknown field."}]
    r = await register(client, timezone="Mars/Olympus")
    assert r.json()["errors"][0]["field"] == "timezone"


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    r = await register(client, display_name="x" * 2_000_000)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


async def test_duplicate_username_is_409(client: httpx.AsyncClient) -> None:
    assert (await register(client)).status_code == 201
    r = await register(client, username="RIVER")
    assert r.status_code == 409
    assert r.json()["field"] == "username"


async def test_password_change_ends_other_sessions(signed_in: SignedIn,
                                                  client: httpx.AsyncClient) -> None:
    phone = await signed_in("client", username="sam")
    r = await client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert r.status_code == 200
    new = "a brand new long passphrase"
    r = await phone.post("/api/v1/me/password",
                         json={"current_password": PASSWORD, "new_password": new})
    assert r.status_code == 204
    assert (await phone.get("/api/v1/me")).status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_admin_creates_counselor_and_client_cannot(signed_in: SignedIn) -> None:
    admin = await signed_in("admin")
    someone = await signed_in("client")
    body = {"username": "dr-lee", "password": PASSWORD, "display_name": "Lee"}
    assert (await someone.post("/api/v1/admin/users", json=body)).status_code == 403
    r = await admin.post("/api/v1/admin/users", json=body)
    assert r.status_code == 201
    assert r.json()["role"] == "counselor"


async def test_text_that_cannot_be_stored_is_422_not_500(client: httpx.AsyncClient) -> None:
    # Found by fuzzing on PostgreSQL: NUL and lone surrogates in any string field.
    for bad in ("ri\\u0000ver", "\\udb89river"):
        body = '{"username": "' + bad + '", "password": "xxxxxxxxx"}'
        r = await client.post("/api/v1/auth/login", content=body.encode(),
                              headers={"Content-Type": "application/json"})
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "username"
    r = await client.get("/api/v1/content/meditations", params={"tag": "a\u0000b"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.tag"


async def test_a_burst_of_sign_ins_hashes_on_a_pool_no_wider_than_the_machine(
        client: httpx.AsyncClient) -> None:
    # argon2id holds 64 MiB per hash: twelve at once on the default executor held hundreds of MiB.
    names = [f"burst{i}" for i in range(12)]
    answers = await asyncio.gather(*(client.post("/api/v1/auth/register", json={
        "username": name, "password": PASSWORD, "display_name": name}) for name in names))
    assert [a.status_code for a in answers] == [201] * 12
    hashing = [t for t in threading.enumerate() if t.name.startswith("argon2")]
    assert 1 <= len(hashing) <= HASH_THREADS <= 4
    client.cookies.clear()
    logins = await asyncio.gather(*(client.post("/api/v1/auth/login", json={
        "username": name, "password": PASSWORD if i % 2 else "not the password"})
        for i, name in enumerate(names)))
    assert [r.status_code for r in logins] == [401 if i % 2 == 0 else 200 for i in range(12)]
