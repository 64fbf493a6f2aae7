"""Consumers declared with their payload model receive it typed; a wrong one is parked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import LicenceIssued, LicenceRenewed
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers, base_type
from lode_common.messaging.inbox import Batched


def licence() -> LicenceIssued:
    return LicenceIssued.model_validate(
        {
            "licence_no": "C1308002021017130111111",
            "right_type": "mining",
            "holder": {"name": "平泉市某铁矿有限公司", "credit_code": "91130881MA0A000007"},
            "mineral": "铁矿",
            "mining_method": "underground",
            "capacity": {"value": 12.5, "unit": "万吨/年"},
            "scale": "medium",
            "valid_from": "2021-03-01",
            "valid_to": "2031-02-28",
            "status": "active",
        }
    )


def test_a_consumer_is_registered_by_base_type_for_each_model() -> None:
    consumers = Consumers()

    @consumers.on(LicenceIssued, LicenceRenewed)
    async def on_licence(
        session: AsyncSession, envelope: Envelope, licence: LicenceIssued | LicenceRenewed
    ) -> None:
        """Nothing to do here."""

    assert set(consumers.handlers) == {
        "lode.licensing.licence.issued",
        "lode.licensing.licence.renewed",
    }
    assert base_type(LicenceIssued) == "lode.licensing.licence.issued"
    with pytest.raises(ValueError, match="two consumers"):
        consumers.on(LicenceIssued)(on_licence)
    with pytest.raises(ValueError, match="two consumers"):
        consumers.include(
            {"lode.licensing.licence.renewed": consumers.handlers["lode.licensing.licence.issued"]}
        )


async def test_the_consumer_gets_the_validated_payload_with_exact_types() -> None:
    consumers = Consumers()
    seen: list[LicenceIssued] = []

    @consumers.on(LicenceIssued)
    async def on_issued(session: AsyncSession, envelope: Envelope, licence: LicenceIssued) -> None:
        seen.append(licence)

    envelope = licence().envelope("x")
    handler = consumers.handlers["lode.licensing.licence.issued"]
    await handler(None, envelope, LicenceIssued.model_validate(envelope.data))  # type: ignore[arg-type]
    [got] = seen
    assert got.valid_from == date(2021, 3, 1)
    assert got.capacity is not None
    assert got.capacity.value == Decimal("12.5")
    with pytest.raises(TypeError, match="did not read as LicenceIssued"):
        await handler(None, envelope, None)  # type: ignore[arg-type]
    renewed = LicenceRenewed.model_validate(
        {**licence().model_dump(), "previous_valid_to": "2026-02-28"}
    )
    with pytest.raises(TypeError, match="got LicenceRenewed"):
        await handler(None, envelope, renewed)  # type: ignore[arg-type]


async def test_a_batch_consumer_gets_the_run_typed() -> None:
    consumers = Consumers()
    runs: list[Sequence[tuple[Envelope, LicenceIssued]]] = []

    @consumers.on_batch(LicenceIssued)
    async def on_issued(
        session: AsyncSession, items: Sequence[tuple[Envelope, LicenceIssued]]
    ) -> None:
        runs.append(items)

    handler = consumers.handlers["lode.licensing.licence.issued"]
    assert isinstance(handler, Batched)
    payload = licence()
    envelope = payload.envelope("x")
    await handler.handler(None, [(envelope, payload), (envelope, payload)])  # type: ignore[arg-type]
    assert [len(run) for run in runs] == [2]
    with pytest.raises(TypeError):
        await handler.handler(None, [(envelope, None)])  # type: ignore[arg-type]
