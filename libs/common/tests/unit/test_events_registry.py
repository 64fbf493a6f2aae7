"""The payload registry: types found by name, version fall-back, shape checks at declaration."""

from __future__ import annotations

import pytest

from lode_common.events import catalog
from lode_common.events.registry import EventPayload, payload_class, registered_types

pytestmark = pytest.mark.usefixtures("clean_registry")


def test_payload_class_finds_a_registered_type() -> None:
    assert payload_class("lode.licensing.licence.issued.v1") is catalog.LicenceIssued
    assert registered_types()["lode.zoning.plan.published.v1"] is catalog.PlanPublished


def test_a_higher_unknown_version_falls_back_to_the_highest_known() -> None:
    class ThingV1(EventPayload):
        event_type = "lode.unittest.thing.made.v1"
        name: str

    class ThingV2(EventPayload):
        event_type = "lode.unittest.thing.made.v2"
        name: str
        size: int = 0

    class ThingV10(EventPayload):
        event_type = "lode.unittest.thing.made.v10"
        name: str

    assert payload_class("lode.unittest.thing.made.v2") is ThingV2
    assert payload_class("lode.unittest.thing.made.v1") is ThingV1
    # numeric, not lexical: v10 is higher than v2
    assert payload_class("lode.unittest.thing.made.v11") is ThingV10
    assert payload_class("lode.unittest.thing.unmade.v1") is None


def test_a_newer_payload_is_read_with_the_fields_the_consumer_knows() -> None:
    class Known(EventPayload):
        event_type = "lode.unittest.known.made.v1"
        name: str

    model = payload_class("lode.unittest.known.made.v2")
    assert model is Known
    payload = model.model_validate({"name": "x", "added_in_v2": 3})
    assert payload.name == "x"


def test_registered_types_are_sorted_and_a_copy() -> None:
    types = registered_types()
    assert list(types) == sorted(types)
    types.clear()
    assert registered_types()


def test_a_type_without_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"must end with its version, \.vN"):

        class NoVersion(EventPayload):
            event_type = "lode.unittest.thing.made"

    assert "lode.unittest.thing.made" not in registered_types()


def test_a_type_outside_lode_is_refused() -> None:
    with pytest.raises(ValueError, match="is not lode"):

        class Foreign(EventPayload):
            event_type = "acme.unittest.thing.made.v1"


def test_a_version_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):

        class Odd(EventPayload):
            event_type = "lode.unittest.odd.made.vnext"


def test_registering_the_same_type_twice_is_refused() -> None:
    class First(EventPayload):
        event_type = "lode.unittest.twice.made.v1"

    with pytest.raises(ValueError, match="registered twice"):

        class Second(EventPayload):
            event_type = "lode.unittest.twice.made.v1"

    assert payload_class("lode.unittest.twice.made.v1") is First


def test_an_abstract_base_without_type_is_not_registered() -> None:
    before = set(registered_types())

    class Base(EventPayload):
        shared: str

    class Concrete(Base):
        event_type = "lode.unittest.concrete.made.v1"

    assert set(registered_types()) - before == {"lode.unittest.concrete.made.v1"}
    assert Concrete.model_fields.keys() == {"shared"}


def test_payload_envelope_carries_the_json_data() -> None:
    payload = catalog.BlockHolderAssigned(
        zone_id="z1",
        plan_id="pingquan-2021-2025",
        code="CK01",
        holder=catalog.Holder(name="某矿业", credit_code="91130881MA0A000007"),
        licence_no="C1308812021017120000001",
    )
    envelope = payload.envelope("z1", traceparent="00-abc-def-01")
    assert envelope.type == "lode.zoning.block.holder_assigned.v1"
    assert envelope.subject == "z1"
    assert envelope.traceparent == "00-abc-def-01"
    assert envelope.data["holder"] == {"name": "某矿业", "credit_code": "91130881MA0A000007"}
    assert catalog.BlockHolderAssigned.model_validate(envelope.data) == payload
