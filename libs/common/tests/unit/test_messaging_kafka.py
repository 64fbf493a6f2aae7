"""The Kafka transport when the broker cannot be reached (the real-broker behaviour is
proven by the contract tests in ``tests/contract``)."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import pytest

from lode_common.bootstrap import build_transport
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Delivery, Message, TransportUnavailable
from lode_common.settings import LodeSettings


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


def test_the_idle_fetch_wait_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LODE_BUS", "kafka")
    monkeypatch.setenv("LODE_KAFKA_FETCH_MAX_WAIT_MS", "20")
    monkeypatch.setenv("LODE_KAFKA_IDLE_FETCH_MAX_WAIT_MS", "250")
    monkeypatch.setenv("LODE_KAFKA_IDLE_AFTER_S", "2.5")
    transport = build_transport(LodeSettings())
    assert isinstance(transport, KafkaTransport)
    config = transport.config
    assert (config.fetch_max_wait_ms, config.idle_fetch_max_wait_ms) == (20, 250)
    assert config.idle_after_s == 2.5


def test_the_idle_fetch_wait_defaults_to_a_tenth_of_a_second() -> None:
    assert LodeSettings.model_fields["kafka_idle_fetch_max_wait_ms"].default == 100
    assert LodeSettings.model_fields["kafka_idle_after_s"].default == 1.0
    assert KafkaConfig(bootstrap="b").idle_fetch_max_wait_ms == 100
