"""The process's one outbound HTTP client; the transport is chosen here and nowhere else.

``bench/nudges.py`` measures both transports: httpx's own transport spends most of a push
fan-out in its connection pool, the aiohttp transport keeps the httpx API and is several
times faster at the same concurrency.
"""

from __future__ import annotations

import httpx
from httpx_aiohttp import AiohttpTransport

from wellness.config import Settings

TRANSPORT = "aiohttp"  # or "httpx"


def make_http_client(settings: Settings, transport: str = TRANSPORT) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max(100, settings.push_concurrency * 2),
                          max_keepalive_connections=max(20, settings.push_concurrency))
    timeout = httpx.Timeout(10.0, connect=5.0)
    if transport == "aiohttp":
        return httpx.AsyncClient(transport=AiohttpTransport(limits=limits, trust_env=False),
                                 timeout=timeout, limits=limits)
    return httpx.AsyncClient(timeout=timeout, limits=limits)
