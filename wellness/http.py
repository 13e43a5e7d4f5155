"""The process's one outbound HTTP client; the transport is chosen here and nowhere else.

``bench/nudges.py`` measures both transports: httpx's own transport spends most of a push
fan-out in its connection pool, the aiohttp transport keeps the httpx API and is several
times faster at the same concurrency.

Push endpoints are checked when a client subscribes, but a host name can later resolve
somewhere else (DNS rebinding). Unless private addresses are allowed, the aiohttp transport
resolves through ``PublicResolver`` at connect time, and IP literals are checked before any
connection, so a push never reaches the internal network.
"""

from __future__ import annotations

import ipaddress
import socket

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from httpx_aiohttp import AiohttpTransport

from wellness.config import Settings

TRANSPORT = "aiohttp"  # or "httpx"


class NonPublicAddress(httpx.ConnectError):
    """The destination is not a public address: refused before connecting."""


class _NoPublicAddress(OSError):
    pass


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None:
            ip = inner
    return ip.is_global and not ip.is_multicast


class PublicResolver(AbstractResolver):
    """Resolves like ``inner`` but keeps only public addresses; raises if none remain."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner  # the default one needs a running loop: made on first use

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if self._inner is None:
            self._inner = DefaultResolver()
        found = await self._inner.resolve(host, port, family)
        public = [r for r in found if is_public(r["host"])]
        if not public:
            raise _NoPublicAddress(f"{host} has no public address")
        return public

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()


class PublicOnlyTransport(httpx.AsyncBaseTransport):
    """Refuses IP literals that are not public and reports the resolver's refusals as such."""

    def __init__(self, inner: httpx.AsyncBaseTransport, resolver: AbstractResolver) -> None:
        self._inner = inner
        self._resolver = resolver

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        try:
            literal = not is_public(host)
        except ValueError:
            literal = False  # a name: the resolver decides at connect time
        if literal:
            raise NonPublicAddress("the destination is not a public address", request=request)
        try:
            return await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:  # httpx_aiohttp maps DNS errors to ConnectTimeout
            cause: BaseException | None = exc
            while cause is not None and not isinstance(cause, _NoPublicAddress):
                cause = cause.__cause__
            if cause is None:
                raise
            raise NonPublicAddress(str(cause), request=request) from exc

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            await self._resolver.close()


def _resolving_transport(limits: httpx.Limits, resolver: AbstractResolver) -> AiohttpTransport:
    """AiohttpTransport's own session and connector, but resolving through ``resolver``."""
    def session() -> aiohttp.ClientSession:
        # Called on the first request, inside the running loop, as aiohttp requires.
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0, keepalive_timeout=limits.keepalive_expiry,
            ssl=transport.ssl_context, resolver=resolver)
        return aiohttp.ClientSession(connector=connector)

    transport = AiohttpTransport(limits=limits, trust_env=False, client=session)
    return transport


def make_http_client(settings: Settings, transport: str = TRANSPORT,
                     resolver: AbstractResolver | None = None) -> httpx.AsyncClient:
    """The shared client; ``resolver`` (tests) replaces the system's DNS under the filter."""
    limits = httpx.Limits(max_connections=max(100, settings.push_concurrency * 2),
                          max_keepalive_connections=max(20, settings.push_concurrency))
    timeout = httpx.Timeout(10.0, connect=5.0)
    if transport == "aiohttp":
        if settings.push_allow_private:
            return httpx.AsyncClient(transport=AiohttpTransport(limits=limits, trust_env=False),
                                     timeout=timeout, limits=limits)
        public = PublicResolver(resolver)
        inner = _resolving_transport(limits, public)
        return httpx.AsyncClient(transport=PublicOnlyTransport(inner, public),
                                 timeout=timeout, limits=limits)
    return httpx.AsyncClient(timeout=timeout, limits=limits)  # bench only: no address filter
