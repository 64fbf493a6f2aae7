"""The events on the bus as a generic CloudEvents consumer reads them (the CNCF Python SDK),
on both runtimes: the CloudEvents Kafka protocol binding in structured mode, a
``content-type: application/cloudevents+json`` header on every message and the trace
context as headers too. Before, messages carried no header at all, so a consumer could not
tell the structured envelope from a binary-mode message."""

from __future__ import annotations

from datetime import UTC, datetime

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat

from lode_common.events.envelope import Envelope, new_envelope
from lode_common.messaging.transport import Delivery
from lode_common.testing import eventually

from .harness import EventPath

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


async def _published(path: EventPath, events: list[Envelope]) -> list[Delivery]:
    await path.commit_events(events)
    path.relay.start()

    async def all_out() -> bool:
        return sum((await path.transport.end_offsets(path.topic)).values()) >= len(events)

    await eventually(all_out, what="the relay to publish the events")
    found: list[Delivery] = []
    async for batch in path.transport.replay(path.topic):
        found += batch
    return found


def _sdk_message(delivery: Delivery) -> ce_kafka.KafkaMessage:
    return ce_kafka.KafkaMessage(
        headers=dict((name, value) for name, value in delivery.headers),
        key=delivery.key.encode(),
        value=delivery.value,
    )


async def test_the_sdk_reads_each_message_as_the_same_event(path: EventPath) -> None:
    traced = new_envelope(
        event_type=path.event_type,
        subject="平泉-1",
        data={"aggregate": "平泉-1", "seq": 1, "ore_mined_10kt": 52.0, "note": "铁精粉"},
        time=datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        traceparent=TRACEPARENT,
    )
    plain = path.event("a-2", 2)
    deliveries = {d.key: d for d in await _published(path, [traced, plain])}
    assert set(deliveries) == {"平泉-1", "a-2"}

    for sent in (traced, plain):
        delivery = deliveries[sent.subject]
        headers = dict(delivery.headers)
        # The binding: a content type that starts with application/cloudevents means the
        # structured mode (the value is the whole event); no ce_ header (binary mode).
        assert headers["content-type"] == b"application/cloudevents+json; charset=UTF-8"
        assert not [name for name in headers if name.lower().startswith("ce_")]
        message = _sdk_message(delivery)
        for event in (
            ce_kafka.from_structured(message, JSONFormat()),
            ce_kafka.from_kafka(message, JSONFormat()),  # the mode told by the headers
        ):
            assert event.get_specversion() == "1.0"
            assert event.get_id() == sent.id
            assert event.get_source() == sent.source
            assert event.get_type() == sent.type
            assert event.get_subject() == sent.subject
            assert event.get_time() == sent.time
            assert event.get_datacontenttype() == "application/json"
            assert event.get_data() == sent.data
            assert event.get_extension("partitionkey") == sent.subject  # the message key

    traced_headers = dict(deliveries[traced.subject].headers)
    assert traced_headers["traceparent"] == TRACEPARENT.encode()
    assert (
        ce_kafka.from_structured(
            _sdk_message(deliveries[traced.subject]), JSONFormat()
        ).get_extension("traceparent")
        == TRACEPARENT
    )
    assert "traceparent" not in dict(deliveries[plain.subject].headers)
