"""The CloudEvents 1.0 envelope: round trip, topic and version, validity per the official SDK."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cloudevents.core.exceptions import CloudEventValidationError
from cloudevents.core.formats.json import JSONFormat
from pydantic import ValidationError

from lode_common.events.envelope import Envelope, new_envelope, topic_of

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
LICENCE_NO = "C1308812021017120000001"


def issued(**overrides: object) -> Envelope:
    values: dict[str, object] = {
        "event_type": "lode.licensing.licence.issued.v1",
        "subject": LICENCE_NO,
        "data": {"licence_no": LICENCE_NO, "holder": {"name": "平泉市某矿业有限公司"}},
    }
    values.update(overrides)
    return new_envelope(**values)  # type: ignore[arg-type]


def test_new_envelope_fills_the_cloudevents_attributes() -> None:
    envelope = issued(traceparent=TRACEPARENT)
    assert envelope.specversion == "1.0"
    assert envelope.source == "lode/licensing"
    assert envelope.type == "lode.licensing.licence.issued.v1"
    assert envelope.subject == LICENCE_NO
    assert envelope.datacontenttype == "application/json"
    assert envelope.time.tzinfo is not None
    assert abs(datetime.now(UTC) - envelope.time) < timedelta(seconds=5)
    assert issued().id != issued().id


def test_topic_base_type_and_version() -> None:
    envelope = issued(event_type="lode.licensing.licence.issued.v12")
    assert envelope.topic == "lode.licensing"
    assert envelope.base_type == "lode.licensing.licence.issued"
    assert envelope.version == 12


def test_round_trip_keeps_every_attribute_and_chinese_text() -> None:
    original = issued(traceparent=TRACEPARENT, time=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    raw = original.to_json()
    assert "平泉市某矿业有限公司".encode() in raw  # UTF-8 as is, not \\u escapes
    again = Envelope.from_json(raw)
    assert again == original
    assert Envelope.from_json(raw.decode()) == original


def test_to_json_leaves_out_absent_optional_attributes() -> None:
    body = json.loads(issued().to_json())
    assert "traceparent" not in body
    assert set(body) == {
        "specversion",
        "id",
        "source",
        "type",
        "subject",
        "time",
        "datacontenttype",
        "data",
    }


def test_extension_attributes_survive_a_round_trip() -> None:
    raw = json.loads(issued().to_json())
    raw["lodeshard"] = "7"
    again = Envelope.from_json(json.dumps(raw))
    assert json.loads(again.to_json())["lodeshard"] == "7"


def test_envelope_is_immutable() -> None:
    with pytest.raises(ValidationError):
        issued().subject = "other"  # type: ignore[misc]


def test_from_json_rejects_what_is_not_an_envelope() -> None:
    with pytest.raises(ValidationError):
        Envelope.from_json(b'{"specversion": "1.0", "id": "x"}')
    with pytest.raises(ValidationError):
        Envelope.from_json(b"{not json")


@pytest.mark.parametrize("traceparent", [None, TRACEPARENT])
def test_envelope_json_is_a_valid_cloudevent(traceparent: str | None) -> None:
    envelope = issued(traceparent=traceparent)
    event = JSONFormat().read(None, envelope.to_json())  # validates per CloudEvents 1.0
    assert event.get_specversion() == "1.0"
    assert event.get_id() == envelope.id
    assert event.get_source() == "lode/licensing"
    assert event.get_type() == envelope.type
    assert event.get_subject() == LICENCE_NO
    assert event.get_time() == envelope.time
    assert event.get_datacontenttype() == "application/json"
    assert event.get_data() == envelope.data
    assert event.get_extension("traceparent") == traceparent


def test_the_sdk_refuses_a_broken_envelope() -> None:
    """The check above can fail: the SDK does refuse an envelope without its source."""
    body = json.loads(issued().to_json())
    body["source"] = ""
    with pytest.raises(CloudEventValidationError, match="source"):
        JSONFormat().read(None, json.dumps(body))


def test_time_with_an_offset_is_kept_exactly() -> None:
    shanghai = timezone(timedelta(hours=8))
    envelope = issued(time=datetime(2026, 1, 1, 9, 30, tzinfo=shanghai))
    event = JSONFormat().read(None, envelope.to_json())
    assert event.get_time() == datetime(2026, 1, 1, 1, 30, tzinfo=UTC)


def test_a_naive_time_is_refused_so_no_envelope_lacks_its_offset() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        issued(time=datetime(2026, 1, 1, 9, 30))  # naive: the point of the test


@pytest.mark.parametrize(
    "event_type",
    [
        "lode.licensing.licence.issued.v1",
        "lode.zoning.plan.v1",
    ],
)
def test_topic_of_valid_types(event_type: str) -> None:
    assert topic_of(event_type) == "lode." + event_type.split(".")[1]


@pytest.mark.parametrize(
    "event_type",
    [
        "",
        "licence.issued.v1",
        "acme.licensing.licence.issued.v1",
        "lode.licensing.v1",
        "lode.licensing",
    ],
)
def test_topic_of_rejects_bad_types(event_type: str) -> None:
    with pytest.raises(ValueError, match=r"is not lode\.<service>\.<name>\.vN"):
        topic_of(event_type)


def test_new_envelope_rejects_a_bad_type() -> None:
    with pytest.raises(ValueError, match="is not lode"):
        issued(event_type="licensing.licence.issued.v1")
