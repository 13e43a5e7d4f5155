"""The push sender against real peers: the fake push service and a port nobody listens on."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from tests.fakes.push_service import FakePushService, FakeSubscription
from tests.live import free_port
from wellness.config import Settings
from wellness.http import make_http_client
from wellness.push import Outcome, PushMessage, PushSender

SenderFactory = Callable[..., AbstractAsyncContextManager[PushSender]]


@pytest.fixture
def sender(settings: Settings) -> SenderFactory:
    @asynccontextmanager
    async def make(**options: float) -> AsyncIterator[PushSender]:
        async with make_http_client(settings) as http:
            yield PushSender(http, settings.vapid_private_key, "mailto:ops@example.org",
                             **options)  # type: ignore[arg-type]
    return make


def message(sub: FakeSubscription, n: int, **changes: object) -> PushMessage:
    keys = sub.as_json()["keys"]
    fields: dict[str, object] = {
        "endpoint": sub.endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"],
        "payload": json.dumps({"title": "Hello again", "n": n}).encode(), "ttl": 600}
    fields.update(changes)
    return PushMessage(**fields)  # type: ignore[arg-type]


async def test_a_batch_keeps_its_order_and_never_exceeds_the_concurrency(
        sender: SenderFactory) -> None:
    with FakePushService(delay=0.05) as fake:
        subs = [fake.subscription() for _ in range(30)]
        for sub in subs[::3]:
            fake.forget(sub)  # these devices unsubscribed: 410
        async with sender(concurrency=4) as push:
            results = await push.send_many([message(sub, i) for i, sub in enumerate(subs)])
    assert [r.outcome for r in results] == [
        Outcome.GONE if i % 3 == 0 else Outcome.SENT for i in range(30)]
    assert fake.most_in_flight == 4
    assert sorted(d.payload["n"] for d in fake.deliveries) == [i for i in range(30) if i % 3]
    assert fake.errors == []


async def test_one_broken_message_does_not_stop_the_rest_of_the_batch(
        sender: SenderFactory) -> None:
    with FakePushService() as fake:
        good, other = fake.subscription(), fake.subscription()
        async with sender() as push:
            results = await push.send_many([
                message(good, 0),
                message(other, 1, p256dh="bm90IGEga2V5"),  # not a P-256 point
                message(other, 2, endpoint="http://[::1/push/x"),  # not a URL
                message(other, 3, ttl="soon"),  # a caller's bug, caught per message
                message(other, 4),
            ])
    assert [(r.outcome, r.error) for r in results] == [
        (Outcome.SENT, None),
        (Outcome.FAILED, "bad subscription keys"),
        (Outcome.FAILED, "bad endpoint"),
        (Outcome.RETRY, "TypeError"),
        (Outcome.SENT, None),
    ]
    assert sorted(d.payload["n"] for d in fake.deliveries) == [0, 4]


async def test_a_push_service_slower_than_the_timeout_is_retried_later(
        sender: SenderFactory) -> None:
    with FakePushService(delay=1.0) as fake:
        sub = fake.subscription()
        async with sender(timeout=0.2) as push:
            result = await push.send(message(sub, 0))
    assert (result.outcome, result.error) == (Outcome.RETRY, "timeout")


async def test_a_push_service_that_refuses_connections_is_retried_later(
        sender: SenderFactory) -> None:
    port = free_port()  # nothing listens on it
    with FakePushService() as fake:
        sub = fake.subscription()
        async with sender() as push:
            result = await push.send(message(
                sub, 0, endpoint=f"http://127.0.0.1:{port}/push/{sub.id}"))
    assert (result.outcome, result.error) == (Outcome.RETRY, "ConnectError")

