from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from asgi_lifespan import LifespanManager
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette

from tests.conftest import _empty_all_tables
from tests.fakes.push_service import FakePushService
from tests.live import free_port
from wellness import jobs
from wellness.config import Settings
from wellness.http import NonPublicAddress, PublicResolver, make_http_client
from wellness.models.nudges import Nudge, NudgeStatus, PushSubscription
from wellness.services import accounts, nudges


class FakeDNS(AbstractResolver):
    """Answers from a table, as a rebinding DNS server would after the subscription."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        self.asked.append(host)
        return [ResolveResult(hostname=host, host=a, port=port,
                              family=socket.AF_INET6 if ":" in a else socket.AF_INET,
                              proto=0, flags=0) for a in self.table[host]]

    async def close(self) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[FakePushService]:
    with FakePushService() as service:
        yield service


async def test_the_resolver_keeps_only_public_addresses() -> None:
    resolver = PublicResolver(FakeDNS({
        "mixed.example": ["127.0.0.1", "93.184.215.14", "10.1.2.3", "2606:4700::1111"],
        "inside.example": ["10.0.0.7", "::ffff:127.0.0.1", "169.254.169.254", "fe80::1",
                           "::1", "100.64.0.1", "192.168.1.1"],
    }))
    found = await resolver.resolve("mixed.example", 443)
    assert [r["host"] for r in found] == ["93.184.215.14", "2606:4700::1111"]
    with pytest.raises(OSError, match=r"inside\.example has no public address"):
        await resolver.resolve("inside.example", 443)


async def test_a_name_that_resolves_inside_is_refused_before_connecting(
        settings: Settings, fake: FakePushService) -> None:
    dns = FakeDNS({"push.example.test": ["127.0.0.1"]})
    async with make_http_client(settings.with_overrides(push_allow_private=False),
                                resolver=dns) as http:
        for url in (f"http://push.example.test:{fake.port}/stats",
                    f"http://127.0.0.1:{fake.port}/stats",
                    f"http://[::ffff:127.0.0.1]:{fake.port}/stats"):
            with pytest.raises(NonPublicAddress):
                await http.get(url)
    assert dns.asked == ["push.example.test"]
    assert fake.requests == []
    async with make_http_client(settings) as http:  # private allowed: the same peer answers
        assert (await http.get(f"http://127.0.0.1:{fake.port}/stats")).status_code == 200


async def test_a_push_to_a_rebound_endpoint_fails_and_is_not_sent(
        make_app: Callable[..., Starlette], fake: FakePushService) -> None:
    app = make_app(push_allow_private=False)
    async with LifespanManager(app):
        await _empty_all_tables()
        user = await accounts.create_user(username="rebound", password="correct horse battery",
                                          display_name="R", timezone="UTC")
        sub = fake.subscription()
        # Accepted when it pointed elsewhere; "localhost" now resolves to a loopback address.
        await PushSubscription.create(
            user_id=user.id, endpoint=sub.endpoint.replace("127.0.0.1", "localhost"),
            p256dh=sub.as_json()["keys"]["p256dh"], auth=sub.as_json()["keys"]["auth"])
        now = datetime.now(UTC)
        nudge = await Nudge.create(user_id=user.id, kind="checkin", dedupe_key="rebound:1",
                                   local_date=now.date(), due_at=now,
                                   expires_at=now + timedelta(hours=4), next_attempt_at=now,
                                   title="Hello again", body="A minute for you.")
        counts = await nudges.dispatch_due_nudges(jobs.push_sender(app), "k", "w1", now)
        assert counts["failed"] == 1 and not counts["sent"]
        await nudge.refresh_from_db()
        assert nudge.status == NudgeStatus.FAILED and nudge.devices == 0
        assert nudge.last_error == "not a public address"
    assert fake.requests == [] and fake.delivered_to(sub) == []


@asynccontextmanager
async def serving(app: web.Application, ssl_context: ssl.SSLContext | None = None,
                  ) -> AsyncIterator[int]:
    """Serves ``app`` on 127.0.0.1 in the test's own loop; yields the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context).start()
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


@pytest.fixture
async def peer() -> AsyncIterator[str]:
    """A small local server: an answer too large to keep, and a cookie it hopes to get back."""
    async def large(request: web.Request) -> web.StreamResponse:
        if request.query.get("chunked"):
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(40):
                await response.write(b"x" * 65536)
            await response.write_eof()
            return response
        return web.Response(body=b"x" * (2 << 20))

    async def cookie(request: web.Request) -> web.Response:
        response = web.json_response({"cookie": request.headers.get("Cookie")})
        response.set_cookie("tracker", "device-1234")
        return response

    app = web.Application()
    app.router.add_get("/large", large)
    app.router.add_get("/cookie", cookie)
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


async def test_an_answer_too_large_to_keep_is_refused_and_the_client_goes_on(
        settings: Settings, peer: str) -> None:
    async with make_http_client(settings) as http:
        for url in (f"{peer}/large", f"{peer}/large?chunked=1"):
            with pytest.raises(httpx.ReadError, match="response too large"):
                await http.exchange(httpx.Request("GET", url))
        answer = await http.exchange(httpx.Request("GET", f"{peer}/cookie"))
        assert answer.status_code == 200 and answer.json() == {"cookie": None}


async def test_a_push_service_cannot_set_cookies_on_the_exchange(
        settings: Settings, peer: str) -> None:
    async with make_http_client(settings) as http:
        first = await http.exchange(httpx.Request("GET", f"{peer}/cookie"))
        assert "tracker=" in first.headers["set-cookie"]
        second = await http.exchange(httpx.Request("GET", f"{peer}/cookie"))
        assert second.json() == {"cookie": None}


async def test_transport_failures_are_the_httpx_errors_callers_catch(
        settings: Settings) -> None:
    port = free_port()  # nothing listens on it
    with FakePushService(delay=1.0) as slow:
        async with make_http_client(settings) as http:
            with pytest.raises(httpx.ConnectError) as refused:
                await http.exchange(httpx.Request("GET", f"http://127.0.0.1:{port}/"))
            assert not isinstance(refused.value, NonPublicAddress)
            with pytest.raises(httpx.ReadTimeout):
                await http.exchange(httpx.Request(
                    "POST", f"{slow.origin}/push/x", content=b"{}",
                    extensions={"timeout": httpx.Timeout(0.2).as_dict()}))


def _self_signed_context(tmp_path: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


async def test_a_push_service_whose_certificate_does_not_verify_gets_nothing(
        settings: Settings, tmp_path: Path) -> None:
    seen: list[bytes] = []

    async def push(request: web.Request) -> web.Response:
        seen.append(await request.read())
        return web.Response(status=201)

    app = web.Application()
    app.router.add_post("/push/x", push)
    async with serving(app, _self_signed_context(tmp_path)) as port, \
            make_http_client(settings) as http:
        with pytest.raises(httpx.ConnectError, match=r"(?i)certificate"):
            await http.exchange(httpx.Request("POST", f"https://127.0.0.1:{port}/push/x",
                                              content=b"sealed"))
    assert seen == []
