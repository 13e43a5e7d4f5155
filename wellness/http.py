"""The process's one outbound HTTP client; the transport is chosen here and nowhere else.

``bench/nudges.py`` measures the transports and the two ways of sending:

- httpx's own transport spends most of a push fan-out in its connection pool;
  ``AiohttpTransport`` below keeps the httpx API (``httpx.Request`` in, ``httpx.Response`` out)
  over aiohttp's connection pool and is several times faster at the same concurrency.
- ``AsyncClient.post`` costs more per request than the transport under it: it merges client
  defaults, runs the auth and redirect machinery, and passes every response through a
  ``http.cookiejar`` jar. A push needs none of that, so ``OutboundClient.exchange`` hands a
  prepared request straight to the transport.

Push endpoints are checked when a client subscribes, but a host name can later resolve
somewhere else (DNS rebinding). Unless private addresses are allowed, the transport resolves
through ``PublicResolver`` at connect time, and IP literals are checked before any connection,
so a push never reaches the internal network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from wellness.config import Settings

TRANSPORT = "aiohttp"  # or "httpx"
MAX_RESPONSE_BYTES = 1 << 20  # push services answer with an empty body; nothing needs more


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


def _is_literal_and_not_public(host: str) -> bool:
    try:
        return not is_public(host)
    except ValueError:
        return False  # a name: the resolver decides at connect time


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


def _map_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """aiohttp's exceptions as the httpx ones callers catch."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, _NoPublicAddress):
        cause = cause.__cause__
    if cause is not None:
        return NonPublicAddress(str(cause), request=request)
    message = str(exc) or type(exc).__name__
    error: httpx.TransportError
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        error = httpx.ConnectTimeout(message, request=request)
    elif isinstance(exc, (aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError,
                          asyncio.TimeoutError)):
        error = httpx.ReadTimeout(message, request=request)
    elif isinstance(exc, aiohttp.ClientConnectorError):
        error = httpx.ConnectError(message, request=request)
    elif isinstance(exc, aiohttp.InvalidURL):
        error = httpx.UnsupportedProtocol(message, request=request)
    elif isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientResponseError)):
        error = httpx.RemoteProtocolError(message, request=request)
    else:  # ClientPayloadError, ClientOSError and the rest of aiohttp.ClientError
        error = httpx.ReadError(message, request=request)
    return error


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport over one aiohttp connection pool (HTTP/1.1, keep-alive).

    No cookie jar, no redirects, no decompression; the body is read whole (at most
    ``MAX_RESPONSE_BYTES``) so the connection goes back to the pool before the caller sees the
    response. ``resolver`` replaces the system's DNS; ``public_only`` also refuses IP literals
    that are not public.
    """

    def __init__(self, limits: httpx.Limits, *, resolver: AbstractResolver | None = None,
                 public_only: bool = False) -> None:
        self._limits = limits
        self._resolver = resolver
        self._public_only = public_only
        self._ssl = httpx.create_ssl_context(trust_env=False)
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:  # aiohttp wants the running loop: made on first use
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                keepalive_timeout=self._limits.keepalive_expiry or 5.0,
                ssl=self._ssl, resolver=self._resolver)
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False, trust_env=False)
        return self._session

    def _timeout(self, given: dict[str, float | None]) -> aiohttp.ClientTimeout:
        key = (given.get("connect"), given.get("read"), given.get("pool"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            connect, read, pool = key
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=connect, sock_read=read,
                connect=None if pool is None or connect is None else pool + connect)
            self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._public_only and _is_literal_and_not_public(request.url.host):
            raise NonPublicAddress("the destination is not a public address", request=request)
        body = await request.aread()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        try:
            async with self._client().request(
                    request.method, str(request.url), headers=headers, data=body or None,
                    allow_redirects=False,
                    timeout=self._timeout(request.extensions.get("timeout", {}))) as answer:
                if (answer.content_length or 0) > MAX_RESPONSE_BYTES:
                    raise httpx.ReadError("response too large", request=request)
                content = bytearray()
                async for chunk in answer.content.iter_chunked(65536):
                    content += chunk
                    if len(content) > MAX_RESPONSE_BYTES:
                        raise httpx.ReadError("response too large", request=request)
                status, raw_headers, reason = answer.status, answer.raw_headers, answer.reason
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _map_error(exc, request) from exc
        extensions = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode("latin-1", "replace")
        return httpx.Response(status, headers=list(raw_headers),
                              stream=httpx.ByteStream(bytes(content)), request=request,
                              extensions=extensions)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._resolver is not None:
            await self._resolver.close()


class OutboundClient(httpx.AsyncClient):
    """The shared ``httpx.AsyncClient``, plus ``exchange`` for requests that need no client layer."""

    def __init__(self, transport: httpx.AsyncBaseTransport, timeout: httpx.Timeout) -> None:
        super().__init__(transport=transport, timeout=timeout, trust_env=False)
        self.transport = transport

    async def exchange(self, request: httpx.Request) -> httpx.Response:
        """One request straight through the transport, the body read and the connection freed.

        No cookies, auth, redirects or client default headers: the request goes as built. Its
        timeouts are ``request.extensions["timeout"]`` if set, else the client's.
        """
        if "timeout" not in request.extensions:
            request.extensions["timeout"] = self.timeout.as_dict()
        response = await self.transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response


def make_http_client(settings: Settings, transport: str = TRANSPORT,
                     resolver: AbstractResolver | None = None) -> OutboundClient:
    """The shared client; ``resolver`` (tests) replaces the system's DNS under the filter."""
    limits = httpx.Limits(max_connections=max(100, settings.push_concurrency * 2),
                          max_keepalive_connections=max(20, settings.push_concurrency))
    timeout = httpx.Timeout(10.0, connect=5.0)
    chosen: httpx.AsyncBaseTransport
    if transport == "aiohttp":
        if settings.push_allow_private:
            chosen = AiohttpTransport(limits, resolver=resolver)
        else:
            chosen = AiohttpTransport(limits, resolver=PublicResolver(resolver), public_only=True)
    else:  # bench only: no address filter
        chosen = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    return OutboundClient(chosen, timeout)
