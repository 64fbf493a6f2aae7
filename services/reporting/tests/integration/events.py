"""Domain events as the other services publish them, and waiting for reporting to take them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from lode_common.auth import API_KEY_PREFIX, hash_api_key
from lode_common.events import catalog
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.transport import Message
from lode_common.plan.data import bundled_documents
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.adapters.tables import JournalEntry

HOLDER = catalog.Holder(name="平泉示意矿业有限公司", credit_code="91130881MA0A000007")
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[118.7, 40.9], [118.71, 40.9], [118.71, 40.91], [118.7, 40.91], [118.7, 40.9]]
    ],
}


def plan_published(version: int = 1) -> Envelope:
    return catalog.PlanPublished(
        plan_id="pingquan-2021-2025",
        version=version,
        region_adcode="130881",
        document=bundled_documents().as_published(),
    ).envelope("pingquan-2021-2025")


def licence(
    no: str,
    action: str = "issued",
    *,
    mineral: str = "铁矿",
    scale: str = "medium",
    status: str = "active",
    valid_from: date = date(2018, 1, 1),
    valid_to: date = date(2028, 1, 1),
    time: datetime | None = None,
    **extra: Any,
) -> Envelope:
    classes = {
        "issued": catalog.LicenceIssued,
        "revoked": catalog.LicenceRevoked,
        "suspended": catalog.LicenceSuspended,
    }
    fields: dict[str, Any] = {
        "licence_no": no,
        "right_type": "mining",
        "holder": HOLDER,
        "mineral": mineral,
        "scale": scale,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "status": status,
        "area": SQUARE,
        "illustrative": True,
    }
    if action in ("revoked", "suspended"):
        fields["reason"] = "测试"
    payload = classes[action](**fields)
    envelope = payload.envelope(no)
    data = {**envelope.data, **extra}  # fields another version of the catalog may carry
    return envelope.model_copy(update={"data": data, "time": time or envelope.time})


def output(
    report_id: str,
    no: str,
    *,
    year: int = 2022,
    version: int = 1,
    concentrate: str = "30",
    grade: str = "64",
    ore: str = "100",
    disturbed: str | None = None,
    restored: str | None = None,
    value: str | None = None,
    mineral: str | None = None,
) -> Envelope:
    fields: dict[str, Any] = {
        "report_id": report_id,
        "version": version,
        "licence_no": no,
        "year": year,
        "period": "annual",
        "ore_mined_10kt": Decimal(ore),
        "products": [
            catalog.Product(
                name="铁精粉", grade_pct=Decimal(grade), output_10kt=Decimal(concentrate)
            )
        ],
        "mining_recovery_pct": Decimal(92),
        "disturbed_area_ha": Decimal(disturbed) if disturbed else None,
        "restored_area_ha": Decimal(restored) if restored else None,
        "output_value_cny_10k": Decimal(value) if value is not None else None,
        "mineral": mineral,
    }
    if version == 1:
        return catalog.OutputReported(**fields).envelope(no)
    return catalog.OutputCorrected(**fields, reason="更正").envelope(no)


def reserves(
    report_id: str,
    no: str,
    *,
    year: int = 2022,
    version: int = 1,
    mineral: str = "铁矿",
    opening: str = "1000",
    extracted: str = "50",
    lost: str = "5",
    new_proven: str = "0",
    recalculated: str = "0",
) -> Envelope:
    """A reserves report (储量年报) that balances: closing = opening − extracted − lost +
    new_proven + recalculated."""
    figures = {
        "opening_10kt": Decimal(opening),
        "extracted_10kt": Decimal(extracted),
        "lost_10kt": Decimal(lost),
        "new_proven_10kt": Decimal(new_proven),
        "recalculated_10kt": Decimal(recalculated),
    }
    closing = (
        figures["opening_10kt"]
        - figures["extracted_10kt"]
        - figures["lost_10kt"]
        + figures["new_proven_10kt"]
        + figures["recalculated_10kt"]
    )
    fields: dict[str, Any] = {
        "report_id": report_id,
        "version": version,
        "licence_no": no,
        "year": year,
        "mineral": mineral,
        **figures,
        "closing_10kt": closing,
        "illustrative": True,
    }
    if version == 1:
        return catalog.ReservesReported(**fields).envelope(no)
    return catalog.ReservesCorrected(**fields, reason="更正").envelope(no)


WINNER = catalog.Holder(name="承德示意矿业有限公司", credit_code="91130881MA0A000023")


def _grant(
    kind: type[EventPayload],
    grant_id: str,
    *,
    year: int,
    mineral: str,
    time: datetime,
    **fields: Any,
) -> Envelope:
    """A grant event as licensing publishes it (keyed by the grant's id), at ``time``."""
    common = {
        "grant_id": grant_id,
        "year": year,
        "right_type": "mining",
        "mineral": mineral,
        "method": "listing",
    }
    envelope = kind(**common, **fields).envelope(grant_id)
    return envelope.model_copy(update={"time": time})


def grant_announced(
    grant_id: str,
    *,
    year: int = 2024,
    mineral: str = "铁矿",
    on: date | None = None,
    announcement: int = 1,
    starting: str = "1000",
    time: datetime | None = None,
) -> Envelope:
    """出让公告: the trade window from 20 days after ``on`` for 10 days."""
    on = on or date(year, 3, 1)
    return _grant(
        catalog.GrantAnnounced,
        grant_id,
        year=year,
        mineral=mineral,
        time=time or datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
        announced_on=on,
        trade_from=on + timedelta(days=20),
        trade_to=on + timedelta(days=30),
        starting_price_cny_10k=Decimal(starting),
        area=SQUARE,
        area_ha=Decimal("12.5"),
        term_years=10,
        clean_grant=True,
        zones=[
            catalog.GrantZone(
                zone_id="z-1", type="key_mining_zone", code="ZC01", name_zh="重点开采区"
            )
        ],
        plan_id="pingquan-2021-2025",
        plan_version=1,
        announcement=announcement,
    )


def grant_concluded(
    grant_id: str,
    *,
    year: int = 2024,
    mineral: str = "铁矿",
    on: date | None = None,
    price: str = "1500",
    winner: catalog.Holder = WINNER,
    time: datetime | None = None,
) -> Envelope:
    on = on or date(year, 4, 1)
    return _grant(
        catalog.GrantConcluded,
        grant_id,
        year=year,
        mineral=mineral,
        time=time or datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
        winner=winner,
        price_cny_10k=Decimal(price),
        concluded_on=on,
        publicity_until=on + timedelta(days=10),
        bidders=3,
    )


def grant_failed(
    grant_id: str,
    *,
    year: int = 2024,
    mineral: str = "铁矿",
    on: date | None = None,
    reason: str = "no_bids",
    bidders: int = 0,
    time: datetime | None = None,
) -> Envelope:
    on = on or date(year, 4, 1)
    return _grant(
        catalog.GrantFailed,
        grant_id,
        year=year,
        mineral=mineral,
        time=time or datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
        failed_on=on,
        reason=reason,
        bidders=bidders,
    )


def grant_contracted(
    grant_id: str,
    *,
    year: int = 2024,
    mineral: str = "铁矿",
    on: date | None = None,
    price: str = "1500",
    instalments: tuple[tuple[date, str], ...] = (
        (date(2024, 6, 30), "600"),
        (date(2025, 6, 30), "900"),
    ),
    winner: catalog.Holder = WINNER,
    time: datetime | None = None,
) -> Envelope:
    on = on or date(year, 5, 1)
    return _grant(
        catalog.GrantContracted,
        grant_id,
        year=year,
        mineral=mineral,
        time=time or datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
        winner=winner,
        price_cny_10k=Decimal(price),
        signed_on=on,
        contract_ref=f"平自然资出让〔{on.year}〕{grant_id[-4:]}号",
        instalments=[
            catalog.Instalment(due=due, amount_cny_10k=Decimal(amount))
            for due, amount in instalments
        ],
    )


def api_key_issued(credit_code: str) -> tuple[Envelope, str]:
    """A mine's API key as monitoring announces it, and the key itself (for its caller)."""
    key = f"{API_KEY_PREFIX}0a1b2c3d_{'k' * 43}"
    payload = catalog.ApiKeyIssued(
        key_id="key-1",
        prefix="0a1b2c3d",
        key_sha256=hash_api_key(key),
        credit_code=credit_code,
        issued_at=datetime(2024, 1, 2, tzinfo=UTC),
    )
    return payload.envelope(credit_code), key


def finding(
    finding_id: str, no: str, action: str = "opened", *, code: str = "three_rates_below_standard"
) -> Envelope:
    fields: dict[str, Any] = {
        "finding_id": finding_id,
        "licence_no": no,
        "code": code,
        "severity": "violation",
        "message": f"{code} for {no}",
        "standard": "国土资源部公告 2013年第21号",
        "year": 2022,
    }
    if action == "closed":
        return catalog.FindingClosed(**fields, note="整改完成", closed_by="inspector-1").envelope(
            no
        )
    return catalog.FindingOpened(**fields).envelope(no)


def progress(progress_id: str, project: str, year: int, **fields: Any) -> Envelope:
    return catalog.ProjectProgressReported(
        progress_id=progress_id, project_id=project, year=year, **fields
    ).envelope(project)


async def journal_size(service: ServiceUnderTest) -> int:
    async with service.runtime.sessions() as session:
        return int(
            (await session.execute(select(func.count()).select_from(JournalEntry))).scalar_one()
        )


async def send(
    service: ServiceUnderTest, *envelopes: Envelope, expect_new: int | None = None
) -> None:
    """Publish on the topics the envelopes belong to, and wait until reporting journaled
    each of them (``expect_new``: how many are new, when some are duplicates or are not
    journaled). Waiting for the events' own ids, not for the journal to grow by their
    number: reporting also journals events no test sent (its own daily audit anchor, on a
    database kept since an earlier test of the session)."""
    before = await journal_size(service)
    for envelope in envelopes:
        await service.transport.publish(
            [Message(envelope.topic, envelope.subject, envelope.to_json())]
        )
    ids = {e.id for e in envelopes}

    async def journaled() -> None:
        if expect_new is not None:
            size = await journal_size(service)
            assert size >= before + expect_new, f"reporting journaled {size - before}"
            return
        async with service.runtime.sessions() as session:
            found = (
                await session.execute(
                    select(func.count())
                    .select_from(JournalEntry)
                    .where(col(JournalEntry.event_id).in_(ids))
                )
            ).scalar_one()
        assert found == len(ids), f"reporting journaled {found} of {len(ids)}"

    await eventually(journaled, interval_s=0.02, what=f"reporting to journal {len(ids)} events")


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return datetime(year, month, day, 4, tzinfo=UTC)
