"""A grant's trade that fails (流拍) and is announced again, and the bidders refused: on the
supervision lists monitoring announces, or offering from the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lode_common.events.catalog import EnterpriseListed, EnterpriseReleased
from lode_common.testing import eventually
from lode_licensing.adapters.tables import EnterpriseListing

from .builders import block
from .conftest import System
from .grant_builders import (
    BIDDERS,
    announce,
    at,
    conclude,
    create,
    field_errors,
    grant_body,
    has_reserve,
    offer,
    publish,
)

pytestmark = pytest.mark.timeout(180)

ROUNDS = (
    # (announced_on, trade_from, trade_to, concluded_on): 20 working days each (清明, 劳动节)
    ("2026-02-02", "2026-03-09", "2026-03-20", "2026-03-23"),
    ("2026-03-24", "2026-04-23", "2026-04-30", "2026-05-06"),
    ("2026-05-06", "2026-06-03", "2026-06-10", "2026-06-11"),
)


async def test_an_auction_fails_and_is_announced_again_until_it_concludes(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    grant_id = (await create(lic, grant_body(method="auction")))["id"]

    # 1: two bidders, where an auction needs three
    announced_on, trade_from, trade_to, concluded_on = ROUNDS[0]
    assert (await announce(lic, grant_id, announced_on, trade_from, trade_to)).status_code == 200
    for n, amount in enumerate((1100, 1700)):
        r = await offer(lic, grant_id, BIDDERS[n], amount, at(trade_from, f"1{n}:00"))
        assert r.status_code == 201, r.text
    r = await conclude(lic, grant_id, concluded_on)
    assert r.status_code == 200, r.text
    failed = r.json()
    assert (failed["status"], failed["failed_reason"]) == ("failed", "too_few_bidders")
    assert failed["allowed_actions"] == ["announce", "cancel"]
    assert "Unverified" in failed["steps"][-1]["note"]  # the figure's source, said with it
    viewer = await lic.client.get(f"/licensing/v1/grants/{grant_id}", headers=lic.auth("viewer"))
    assert not has_reserve(viewer.json())  # a failed grant keeps its reserve price secret
    assert "bids" not in viewer.json()

    # 2: three bidders, none reaching the reserve price (1500)
    announced_on, trade_from, trade_to, concluded_on = ROUNDS[1]
    r = await announce(lic, grant_id, announced_on, trade_from, trade_to)
    assert r.status_code == 200, r.text
    assert (r.json()["announcement"], r.json()["failed_reason"]) == (2, None)
    assert r.json()["bids"]["count"] == 0  # the earlier trade's offers do not count
    for n, amount in enumerate((1100, 1200, 1450)):
        r = await offer(lic, grant_id, BIDDERS[n], amount, at(trade_from, f"1{n}:00"))
        assert r.status_code == 201, r.text
    r = await conclude(lic, grant_id, concluded_on)
    assert (r.json()["status"], r.json()["failed_reason"]) == ("failed", "reserve_not_reached")

    # 3: the third announcement concludes; of two equal best offers, the earlier wins
    announced_on, trade_from, trade_to, concluded_on = ROUNDS[2]
    assert (await announce(lic, grant_id, announced_on, trade_from, trade_to)).status_code == 200
    for n, amount in enumerate((1500, 1510, 1600)):
        r = await offer(lic, grant_id, BIDDERS[n], amount, at(trade_from, f"1{n}:00"))
        assert r.status_code == 201, r.text
    r = await conclude(lic, grant_id, concluded_on)
    concluded = r.json()
    assert (concluded["status"], concluded["winner"]["credit_code"]) == ("concluded", BIDDERS[2])
    assert concluded["announcement"] == 3
    assert len(concluded["bids"]["items"]) == 8  # every offer of every announcement

    types = [e.type.rsplit(".", 2)[1] for e in await lic.published() if ".grant." in e.type]
    assert types == ["announced", "failed", "announced", "failed", "announced", "concluded"]
    events = [e for e in await lic.published() if ".grant." in e.type]
    assert [e.data.get("reason") for e in events if e.type.endswith("failed.v1")] == [
        "too_few_bidders",
        "reserve_not_reached",
    ]
    assert [e.data["announcement"] for e in events if e.type.endswith("announced.v1")] == [1, 2, 3]
    assert not any(has_reserve(e.data) for e in events)


async def test_a_tender_takes_the_best_sealed_offer_and_no_offer_fails(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    grant_id = (await create(lic, grant_body(method="tender")))["id"]
    announced_on, trade_from, trade_to, concluded_on = ROUNDS[0]
    assert (await announce(lic, grant_id, announced_on, trade_from, trade_to)).status_code == 200
    r = await conclude(lic, grant_id, concluded_on)
    assert (r.json()["status"], r.json()["failed_reason"]) == ("failed", "no_bids")
    announced_on, trade_from, trade_to, concluded_on = ROUNDS[1]
    assert (await announce(lic, grant_id, announced_on, trade_from, trade_to)).status_code == 200
    for n, amount in enumerate((1800, 1600, 1700)):  # sealed: a lower one is accepted
        r = await offer(lic, grant_id, BIDDERS[n], amount, at(trade_from, f"1{n}:00"))
        assert r.status_code == 201, r.text
    r = await conclude(lic, grant_id, concluded_on)
    assert (r.json()["winner"]["credit_code"], r.json()["price_cny_10k"]) == (BIDDERS[0], 1800)


async def test_a_listed_bidder_is_refused_until_released(system_both: System) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    grant_id = (await create(lic))["id"]
    assert (await announce(lic, grant_id)).status_code == 200
    listed = EnterpriseListed(
        listing_id="L-2026-007",
        credit_code=BIDDERS[3],
        name="示意竞买人4号矿业有限公司",
        list="serious_violation",
        reason="以欺骗手段取得矿业权",
        listed_on=date(2026, 2, 10),
    )
    await publish(lic, BIDDERS[3], listed)

    async def standing(*statuses: str) -> None:
        async with lic.runtime.sessions() as session:
            query = select(EnterpriseListing).order_by(EnterpriseListing.listing_id)
            rows = (await session.execute(query)).scalars().all()
            assert [r.status for r in rows] == list(statuses)

    await eventually(lambda: standing("listed"), what="the listing to reach licensing")
    refused = field_errors(await offer(lic, grant_id, BIDDERS[3], 1200, at("2026-03-10")))
    message = refused["bidder.credit_code"]
    for cited in ("严重违法失信名单", "以欺骗手段取得矿业权", "2026-02-10", "L-2026-007"):
        assert cited in message

    released = EnterpriseReleased(
        listing_id="L-2026-007",
        credit_code=BIDDERS[3],
        name=listed.name,
        list="serious_violation",
        reason="信用修复 (credit restored)",
        released_on=date(2026, 3, 9),
    )
    await publish(lic, BIDDERS[3], released)
    await publish(lic, BIDDERS[3], listed)  # delivered again after its release
    lapsed = listed.model_copy(  # a term that has ended: on record, not in force
        update={"listing_id": "L-2026-008", "list": "abnormal", "until": date(2026, 3, 1)}
    )
    await publish(lic, BIDDERS[3], lapsed)  # after the others, on the same partition
    await eventually(lambda: standing("released", "listed"), what="the release and the lapse")
    r = await offer(lic, grant_id, BIDDERS[3], 1200, at("2026-03-10"))
    assert r.status_code == 201, r.text


async def test_an_offer_from_the_future_is_refused(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    grant_id = (await create(lic))["id"]
    assert (await announce(lic, grant_id)).status_code == 200
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert "future" in field_errors(await offer(lic, grant_id, BIDDERS[0], 1200, tomorrow))["at"]
    for moment in ("2026-03-10T10:00:00", "0001-01-01T00:00:00+14:00", "1773108000"):
        assert "at" in field_errors(await offer(lic, grant_id, BIDDERS[0], 1200, moment))
    text = await offer(lic, grant_id, BIDDERS[0], "1200", at("2026-03-10"))
    assert "amount_cny_10k" in field_errors(text)
    bad_code = await offer(lic, grant_id, BIDDERS[0][:-1] + "0", 1200, at("2026-03-10"))
    if BIDDERS[0].endswith("0"):
        bad_code = await offer(lic, grant_id, BIDDERS[0][:-1] + "1", 1200, at("2026-03-10"))
    assert "bidder.credit_code" in field_errors(bad_code)
