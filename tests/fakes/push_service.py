"""A fake Web Push service: a real HTTP server on 127.0.0.1 that checks what a real one checks.

It verifies each request's VAPID JWT (ES256 with the key in ``Authorization: vapid t=…, k=…``,
``aud`` its own origin, ``exp`` at most 24 h ahead, ``sub`` present), requires ``TTL`` and
``Content-Encoding: aes128gcm``, decrypts the body with the subscription's private key and auth
secret (RFC 8291), and records the delivery. It can be told to answer 404/410/429/500 or to
answer slowly. Runs in a background thread (tests) or as its own process (benchmarks):
``python -m tests.fakes.push_service --delay 0.05`` prints its origin and serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class FakeSubscription:
    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return _b64(raw)

    def as_json(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives a page."""
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": _b64(self.auth)}}


@dataclass
class Delivery:
    subscription_id: str
    payload: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass
class Answer:
    status: int
    retry_after: str | None = None


@dataclass
class FakePushService:
    delay: float = 0.0
    verify: bool = True
    host: str = "127.0.0.1"
    port: int = 0
    subscriptions: dict[str, FakeSubscription] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    requests: list[tuple[str, int, float]] = field(default_factory=list)  # (sub, status, at)
    errors: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    keep: bool = True  # False (benchmarks): count deliveries, do not keep each one
    delivered: int = 0
    answered: int = 0
    in_flight: int = 0
    most_in_flight: int = 0  # the most requests it was answering at once
    _script: deque[Answer] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tokens: dict[str, float] = field(default_factory=dict)  # verified JWTs -> their exp
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- control -------------------------------------------------------------------------

    def subscription(self) -> FakeSubscription:
        sub_id = _b64(os.urandom(9))
        sub = FakeSubscription(sub_id, f"{self.origin}/push/{sub_id}",
                               ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        with self._lock:
            self.subscriptions[sub_id] = sub
        return sub

    def answer(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """The next ``times`` requests get ``status`` instead of 201."""
        with self._lock:
            self._script.extend(Answer(status, retry_after) for _ in range(times))

    def forget(self, sub: FakeSubscription) -> None:
        """From now on the subscription answers 410 Gone."""
        with self._lock:
            self.gone.add(sub.id)

    def delivered_to(self, sub: FakeSubscription) -> list[Delivery]:
        with self._lock:
            return [d for d in self.deliveries if d.subscription_id == sub.id]

    # --- the protocol --------------------------------------------------------------------

    def _check_vapid(self, header: str) -> str | None:
        scheme, _, params = header.partition(" ")
        if scheme.lower() != "vapid":
            return "authorization scheme is not vapid"
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        token, key = parts.get("t", ""), parts.get("k", "")
        now = time.time()
        known = self._tokens.get(token + key)
        if known is not None:
            return None if known > now else "jwt expired"
        try:
            head, claims_b64, sig = token.split(".")
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(key))
            raw = _unb64(sig)
            if len(raw) != 64:
                return "signature is not raw r||s"
            der = encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                       int.from_bytes(raw[32:], "big"))
            public.verify(der, f"{head}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
            header_json = json.loads(_unb64(head))
            claims = json.loads(_unb64(claims_b64))
        except (ValueError, InvalidSignature):
            return "bad vapid token"
        if header_json.get("alg") != "ES256":
            return "alg is not ES256"
        if claims.get("aud") != self.origin:
            return f"aud {claims.get('aud')!r} is not {self.origin}"
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= now or exp > now + 24 * 3600:
            return "exp missing or not within 24 h"
        if not claims.get("sub"):
            return "sub missing"
        self._tokens[token + key] = float(exp)
        return None

    async def _push(self, request: web.Request) -> web.Response:
        self.in_flight += 1  # only the server's loop touches these two
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.Response:
        sub_id = request.match_info["sub_id"]
        body = await request.read()
        if self.delay:
            await asyncio.sleep(self.delay)
        sub = self.subscriptions.get(sub_id)
        if sub is None:
            return self._reply(sub_id, 404)
        if self.verify:
            problem = self._check_vapid(request.headers.get("Authorization", ""))
            if problem is None and "TTL" not in request.headers:
                problem = "TTL header missing"
            if problem is None and request.headers.get("Content-Encoding") != "aes128gcm":
                problem = "content encoding is not aes128gcm"
            topic = request.headers.get("Topic")
            if problem is None and topic is not None and (
                    len(topic) > 32 or not all(c.isalnum() or c in "-_" for c in topic)):
                problem = "topic is not 32 URL-safe base64 characters"
            if problem:
                with self._lock:
                    self.errors.append(problem)
                return self._reply(sub_id, 400)
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        if sub_id in self.gone:
            return self._reply(sub_id, 410)
        if scripted is not None and scripted.status != 201:
            headers = {"Retry-After": scripted.retry_after} if scripted.retry_after else {}
            return self._reply(sub_id, scripted.status, headers)
        payload: dict[str, Any] = {}
        if self.verify:
            try:
                plain = http_ece.decrypt(body, private_key=sub.private_key,
                                         auth_secret=sub.auth, version="aes128gcm")
                payload = json.loads(plain)
            except Exception as exc:  # the test must see why
                with self._lock:
                    self.errors.append(f"cannot decrypt: {type(exc).__name__}")
                return self._reply(sub_id, 400)
        kept = {k.lower(): v for k, v in request.headers.items()  # names are case-insensitive
                if k.lower() in {"ttl", "urgency", "topic", "content-encoding"}}
        with self._lock:
            self.delivered += 1
            if self.keep:
                self.deliveries.append(Delivery(sub_id, payload, kept, time.time()))
        return self._reply(sub_id, 201, {"Location": f"{self.origin}/message/{len(body)}"})

    def _reply(self, sub_id: str, status: int, headers: dict[str, str] | None = None,
               ) -> web.Response:
        with self._lock:
            self.answered += 1
            if self.keep:
                self.requests.append((sub_id, status, time.time()))
        return web.Response(status=status, headers=headers)

    async def _new_subscription(self, request: web.Request) -> web.Response:
        return web.json_response(self.subscription().as_json())

    async def _stats(self, request: web.Request) -> web.Response:
        with self._lock:
            return web.json_response({"deliveries": self.delivered, "requests": self.answered,
                                      "errors": self.errors[:5]})

    # --- running -------------------------------------------------------------------------

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{sub_id}", self._push)
        app.router.add_post("/subscriptions", self._new_subscription)
        app.router.add_get("/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def start(self) -> FakePushService:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            loop.run_until_complete(self._start())
            ready.set()
            loop.run_forever()
            assert self._runner is not None
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-push", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> FakePushService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    # A process serves benchmarks: tens of thousands of kept deliveries would only slow it down.
    service = FakePushService(delay=args.delay, verify=not args.no_verify, keep=False)

    async def serve() -> None:
        await service._start()
        print(service.origin, flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
