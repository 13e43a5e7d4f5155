"""Web Push sender: VAPID (RFC 8292), aes128gcm (RFC 8291), and the push service's answers (RFC 8030)."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import http_ece
import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from wellness.crypto import b64url_decode
from wellness.http import NonPublicAddress, OutboundClient

log = logging.getLogger("wellness.push")

MAX_PLAINTEXT = 3993  # RFC 8291: one record of 4096 bytes
VAPID_LIFETIME = 12 * 3600
VAPID_RENEW_BEFORE = 3600


class Outcome(StrEnum):
    SENT = "sent"  # 201: the push service took it
    GONE = "gone"  # 404/410: the subscription no longer exists
    RETRY = "retry"  # 429, 5xx, timeouts: try again later
    FAILED = "failed"  # any other answer: retrying will not help


@dataclass(frozen=True, slots=True)
class PushResult:
    outcome: Outcome
    status: int | None = None
    retry_after: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PushMessage:
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str = "normal"
    topic: str | None = None


# A placeholder in a batch's results: every slot is filled before ``send_many`` returns.
_NOT_SENT = PushResult(Outcome.RETRY, error="not sent")


class EndpointRefused(ValueError):
    """A subscription endpoint the server must not POST to."""


def origin_of(url: str | httpx.URL) -> str:
    """The push resource's origin (RFC 6454, default port left out): the VAPID ``aud``."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
                or ip.is_multicast or ip.is_unspecified or not ip.is_global)


async def check_endpoint(endpoint: str, *, allow_private: bool) -> None:
    """Refuse endpoints that would make the server POST inside its own network (SSRF)."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise EndpointRefused("The endpoint is not a valid URL.") from None
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise EndpointRefused("The endpoint needs a host name and no credentials.")
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise EndpointRefused("The endpoint must use https.")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port or 443, type=socket.SOCK_STREAM)
    except OSError:
        raise EndpointRefused("The endpoint's host name does not resolve.") from None
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(_address_is_public(a) for a in addresses):
        raise EndpointRefused("The endpoint must be on a public address.")


def retry_after_seconds(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class VapidSigner:
    """VAPID ``Authorization`` headers, signed once per push-service origin and reused."""

    def __init__(self, private_key: str, contact: str, lifetime: int = VAPID_LIFETIME) -> None:
        self._vapid = Vapid02.from_raw(private_key.encode())
        self._contact = contact
        self._lifetime = min(lifetime, VAPID_LIFETIME)
        self._cache: dict[str, tuple[str, float]] = {}

    def header(self, origin: str, now: float | None = None) -> str:
        now = time.time() if now is None else now
        cached = self._cache.get(origin)
        if cached is not None and cached[1] - now > min(VAPID_RENEW_BEFORE, self._lifetime / 2):
            return cached[0]
        expires = int(now) + self._lifetime
        claims = {"aud": origin, "exp": expires, "sub": self._contact}
        value: str = self._vapid.sign(claims)["Authorization"]
        self._cache[origin] = (value, float(expires))
        return value


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """aes128gcm with a fresh sender key per message, as RFC 8291 requires."""
    if len(payload) > MAX_PLAINTEXT:
        raise ValueError("push payload too large")
    sender_key = ec.generate_private_key(ec.SECP256R1())
    body: bytes = http_ece.encrypt(
        payload, private_key=sender_key, dh=b64url_decode(p256dh),
        auth_secret=b64url_decode(auth), version="aes128gcm",
    )
    return body


class PushSender:
    """Posts encrypted messages through the app's shared client, a bounded few at a time."""

    def __init__(self, http: OutboundClient, vapid_private_key: str, contact: str, *,
                 concurrency: int = 64, timeout: float = 10.0) -> None:
        self._http = http
        self._signer = VapidSigner(vapid_private_key, contact)
        self._concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0)).as_dict()
        self._paused_until: dict[str, float] = {}  # push-service origin -> after a 429

    async def send(self, message: PushMessage) -> PushResult:
        try:
            url = httpx.URL(message.endpoint)
        except httpx.InvalidURL:
            return PushResult(Outcome.FAILED, None, None, "bad endpoint")
        origin = origin_of(url)
        now = time.time()
        paused = self._paused_until.get(origin, 0.0) - now
        if paused > 0:
            return PushResult(Outcome.RETRY, 429, paused, "rate limited")
        headers = [
            (b"Host", url.netloc),
            (b"Authorization", self._signer.header(origin, now).encode("ascii")),
            (b"Content-Encoding", b"aes128gcm"),
            (b"Content-Type", b"application/octet-stream"),
            (b"TTL", b"%d" % max(0, message.ttl)),
            (b"Urgency", message.urgency.encode("ascii")),
        ]
        if message.topic:
            headers.append((b"Topic", message.topic.encode("ascii")))
        async with self._slots:
            try:
                # Inside the slot: a large batch is encrypted as it goes, not all up front.
                body = encrypt(message.payload, message.p256dh, message.auth)
            except (ValueError, TypeError):
                return PushResult(Outcome.FAILED, None, None, "bad subscription keys")
            headers.append((b"Content-Length", b"%d" % len(body)))
            # stream= rather than content=: the headers above are complete as they are.
            request = httpx.Request("POST", url, headers=headers, stream=httpx.ByteStream(body),
                                    extensions={"timeout": self._timeout})
            try:
                response = await self._http.exchange(request)
            except httpx.TimeoutException:
                return PushResult(Outcome.RETRY, None, None, "timeout")
            except NonPublicAddress:
                return PushResult(Outcome.FAILED, None, None, "not a public address")
            except httpx.HTTPError as exc:
                return PushResult(Outcome.RETRY, None, None, type(exc).__name__[:40])
        return self._result(origin, response)

    async def send_many(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Sends ``messages`` through at most ``concurrency`` workers; results in the same order.

        A few long-lived workers rather than a task per message: a batch of thousands costs
        no more tasks or semaphore waits than a batch of ``concurrency``. An unexpected error
        in one message becomes that message's ``RETRY``, so a bug cannot lose a nudge.
        """
        results: list[PushResult] = [_NOT_SENT] * len(messages)
        pending = iter(range(len(messages)))

        async def worker() -> None:
            for i in pending:
                try:
                    results[i] = await self.send(messages[i])
                except Exception as exc:
                    log.error("push send raised", extra={"error": type(exc).__name__})
                    results[i] = PushResult(Outcome.RETRY, error=type(exc).__name__[:40])

        await asyncio.gather(*(worker() for _ in range(min(self._concurrency, len(messages)))))
        return results

    def _result(self, origin: str, response: httpx.Response) -> PushResult:
        status = response.status_code
        if status in (200, 201, 202):
            return PushResult(Outcome.SENT, status)
        if status in (404, 410):
            return PushResult(Outcome.GONE, status)
        if status == 429:
            wait = retry_after_seconds(response.headers.get("retry-after"), time.time())
            wait = 60.0 if wait is None else wait
            self._paused_until[origin] = time.time() + wait
            return PushResult(Outcome.RETRY, status, wait, "rate limited")
        if status >= 500:
            wait = retry_after_seconds(response.headers.get("retry-after"), time.time())
            return PushResult(Outcome.RETRY, status, wait, f"push service {status}")
        log.warning("push refused", extra={"status": status})
        return PushResult(Outcome.FAILED, status, None, f"push service {status}")
