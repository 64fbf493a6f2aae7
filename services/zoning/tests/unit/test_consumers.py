"""Zoning's consumers: declared by payload class, each receiving the typed payload."""

from __future__ import annotations

from datetime import date

import pytest

from lode_common import api_keys
from lode_common.events.catalog import LICENCE_EVENTS, Holder, LicenceIssued, ZoneCreated
from lode_common.messaging.consumers import base_type
from lode_zoning.bootstrap import SPEC
from lode_zoning.handlers import CONSUMERS


def test_zoning_consumes_every_licence_event_and_the_api_keys() -> None:
    expected = {base_type(kind) for kind in LICENCE_EVENTS} | set(api_keys.REPLICA_HANDLERS)
    assert set(CONSUMERS.handlers) == expected
    assert len(LICENCE_EVENTS) == 8
    assert SPEC.handlers == CONSUMERS.handlers


async def test_an_event_that_did_not_read_as_a_licence_is_refused() -> None:
    licence = LicenceIssued(
        licence_no="C1308812022017110000001",
        right_type="mining",
        holder=Holder(name="平泉市示意矿业有限公司", credit_code="91130881MA0A000007"),
        mineral="铁矿",
        valid_from=date(2022, 1, 1),
        valid_to=date(2032, 1, 1),
        status="active",
    )
    envelope = licence.envelope(licence.licence_no)
    handler = CONSUMERS.handlers[base_type(LicenceIssued)]
    wrong = ZoneCreated(
        zone_id="z",
        plan_id="p",
        type="mining_block",
        code="C1",
        name_zh="区块",
        version=1,
        geometry={"type": "Polygon", "coordinates": []},
    )
    with pytest.raises(TypeError, match="did not read as"):
        await handler(None, envelope, wrong)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="did not read as"):
        await handler(None, envelope, None)  # type: ignore[arg-type]
