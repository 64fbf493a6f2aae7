"""The Kafka transport when the broker cannot be reached (the real-broker behaviour is
proven by the contract tests in ``tests/contract``)."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import pytest

from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Delivery, Message, TransportUnavailable


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.fixture
def unreachable() -> KafkaTransport:
    return KafkaTransport(
        KafkaConfig(bootstrap=f"127.0.0.1:{closed_port()}", request_timeout_ms=1000)
    )


async def test_start_says_the_broker_cannot_be_reached(unreachable: KafkaTransport) -> None:
    with pytest.raises(TransportUnavailable, match=unreachable.config.bootstrap):
        await unreachable.start()
    await unreachable.stop()


async def test_publish_before_start_is_unavailable(unreachable: KafkaTransport) -> None:
    with pytest.raises(TransportUnavailable, match="not started"):
        await unreachable.publish([Message("lode.t", "k", b"v")])


async def test_ensure_topics_is_unavailable(unreachable: KafkaTransport) -> None:
    with pytest.raises(TransportUnavailable, match=r"cannot create topics \['lode.t'\]"):
        await unreachable.ensure_topics(["lode.t"])


async def test_subscribe_is_unavailable(unreachable: KafkaTransport) -> None:
    async def handler(batch: Sequence[Delivery]) -> None:
        raise AssertionError("nothing can be delivered")

    with pytest.raises(TransportUnavailable, match="cannot join group g"):
        await unreachable.subscribe(group="g", topics=["lode.t"], handler=handler)
    await unreachable.stop()
