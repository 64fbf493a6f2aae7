"""LODE_DEMO=1, on both databases: the five illustrative grants go through the real
procedure before the licences are issued (three contracted, their quarries' licences
naming them; one failed; one concluded awaiting its contract), their events are
published, and loading again adds nothing."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS
from lode_licensing.container import Licensing
from lode_licensing.demo import areas
from lode_licensing.demo_grants import demo_grants
from lode_licensing.demo_places import clear_parcel, geojson
from lode_licensing.handlers import grant_trade as trade
from lode_licensing.handlers import grants
from lode_licensing.handlers.demo_grants import DEMO_OFFICER, run_demo_grants
from lode_licensing.handlers.demo_loader import load_demo_licences
from lode_licensing.handlers.grants import grant_rules

from .conftest import open_system
from .grant_builders import GRANTS, OFFICER, has_reserve

pytestmark = pytest.mark.timeout(240)
LICENCES = "/licensing/v1/licences?limit=1000"


async def _get(lic: ServiceUnderTest, path: str, role: str = "viewer") -> dict[str, Any]:
    r = await lic.client.get(path, headers=lic.auth(role))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _loaded(lic: ServiceUnderTest) -> None:
    async def licences_in() -> bool:
        return bool((await _get(lic, LICENCES))["total"] == 66)

    await eventually(licences_in, timeout_s=90, what="the demo grants and licences to load")


LOADED = ("lode.licensing.licence.issued.v1", "lode.licensing.grant.")
"""The events loading the demo publishes (the expiry job's, which runs beside it whenever
it comes round, are not the loading's)."""


async def _counts(lic: ServiceUnderTest) -> tuple[int, int, Counter[str]]:
    grants = (await _get(lic, f"{GRANTS}?limit=100"))["items"]
    bids = sum(len(g["bids"]["items"]) for g in await _views(lic, OFFICER))
    loaded = [t for t in await lic.types_published() if t.startswith(LOADED)]
    return len(grants), bids, Counter(loaded)


async def _views(lic: ServiceUnderTest, role: str = "viewer") -> list[dict[str, Any]]:
    listed = (await _get(lic, f"{GRANTS}?limit=100", role))["items"]
    return [await _get(lic, f"{GRANTS}/{g['id']}", role) for g in listed]


def _check_grants(views: list[dict[str, Any]], officer_views: list[dict[str, Any]]) -> None:
    """Each grant as its demo data says: its days, offers, zone, outcome, and the demo
    actor's every step."""
    specs = {(s.year, s.method): s for s in demo_grants()}
    assert Counter(v["status"] for v in views) == {"contracted": 3, "failed": 1, "concluded": 1}
    assert sorted(v["year"] for v in views) == [2021, 2022, 2023, 2025, 2025]
    offers = {(v["year"], v["method"]): v["bids"]["items"] for v in officer_views}
    for view in views:
        spec = specs[(view["year"], view["method"])]
        assert view["status"] == spec.outcome
        assert view["created_by"] == "demo"
        assert {step["actor"] for step in view["steps"]} == {"demo"}
        assert view["announced_on"] == spec.timeline.announced_on.isoformat()
        assert view["trade_to"] == spec.timeline.trade_to.isoformat()
        assert spec.zone_code in {zone["code"] for zone in view["zones"]}
        recorded = offers[(view["year"], view["method"])]
        assert [Decimal(str(o["amount_cny_10k"])) for o in recorded] == [
            o.amount_cny_10k for o in spec.offers
        ]
        if spec.outcome == "failed":
            assert view["failed_reason"] == "reserve_not_reached"
            assert "bids" not in view  # a failed trade's offers: officers only
            assert "reserve_price_cny_10k" not in view  # and its reserve stays secret
        else:
            assert view["bids"]["count"] == len(spec.offers)
            assert view["winner"]["name"] == spec.best_offer.bidder.name
            assert view["publicity_until"] == spec.timeline.publicity_until.isoformat()
        if spec.outcome == "concluded":
            assert view["allowed_actions"] == ["contract"]


def _check_licences(views: list[dict[str, Any]], licences: list[dict[str, Any]]) -> None:
    """The three quarries' licences name their contracted grants and follow them."""
    by_grant = {item["grant_id"]: item for item in licences if item["grant_id"]}
    contracted = [v for v in views if v["status"] == "contracted"]
    assert set(by_grant) == {v["id"] for v in contracted}
    for grant in contracted:
        licence = by_grant[grant["id"]]
        assert licence["holder"] == grant["winner"]
        assert (licence["mineral"], licence["scale"]) == ("建筑石料", "large")
        assert licence["area"] == grant["area"]["geometry"]
        signed = date.fromisoformat(grant["signed_on"])
        assert date.fromisoformat(grant["publicity_until"]) <= signed
        assert date.fromisoformat(licence["valid_from"]) > signed
        assert licence["valid_from"][:4] == str(grant["year"])
        total = sum(Decimal(str(i["amount_cny_10k"])) for i in grant["instalments"])
        assert total == Decimal(str(grant["price_cny_10k"]))
        assert grant["contract_ref"].endswith("（示意）")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_demo_grants_go_through_the_procedure(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    async with open_system(request, tmp_path, backend, demo=True) as system:
        lic = system.licensing
        await _loaded(lic)
        views = await _views(lic)
        _check_grants(views, await _views(lic, OFFICER))
        licences = (await _get(lic, LICENCES))["items"]
        _check_licences(views, licences)
        assert (await _get(lic, f"{GRANTS}?year=2025"))["total"] == 2

        events = [e for e in await lic.published() if ".grant." in e.type]
        assert Counter(e.base_type for e in events) == {
            "lode.licensing.grant.announced": 5,
            "lode.licensing.grant.concluded": 4,
            "lode.licensing.grant.failed": 1,
            "lode.licensing.grant.contracted": 3,
        }
        assert not any(has_reserve(e.data) for e in events)
        issued = [e for e in await lic.published() if e.base_type.endswith("licence.issued")]
        granted = {item["grant_id"] for item in licences if item["grant_id"]}
        assert {e.data["grant_id"] for e in issued} == {None, *granted}

        # loading again, from the start or from the grants, adds nothing
        before = await _counts(lic)
        await load_demo_licences(lic.runtime)
        service = Licensing.of(lic.runtime)
        again = await run_demo_grants(
            service, demo_grants(grant_rules(service.settings), service.workdays)
        )
        assert set(again.values()) == granted
        assert await _counts(lic) == before


async def test_a_grant_half_loaded_is_taken_on_from_where_it_stopped(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A restart after a grant was announced and one of its offers recorded: the loader
    finds it by its plan, records the other offer only, and draws its result."""
    async with open_system(request, tmp_path, "sqlite", demo=True) as system:
        lic = system.licensing
        await _loaded(lic)
        service = Licensing.of(lic.runtime)
        loaded = demo_grants()
        failed = next(g for g in loaded if g.outcome == "failed")
        elsewhere = clear_parcel(
            failed.zone_code, 15, 80, [*areas(), *(shape(g.area) for g in loaded)]
        )
        spec = dataclasses.replace(
            failed, area=geojson(elsewhere), starting_price_cny_10k=Decimal(1550)
        )
        days = spec.timeline
        async with lic.runtime.uow() as uow:
            draft = await grants.create(service, uow, spec.plan_body(), DEMO_OFFICER)
            await uow.commit()
        announcement = trade.Announcement(
            days.announced_on, days.trade_from, days.trade_to, spec.review_note
        )
        first = spec.offers[0]
        async with lic.runtime.uow() as uow:
            await trade.announce(service, uow, draft.id, announcement, DEMO_OFFICER)
            await uow.commit()
        async with lic.runtime.uow() as uow:
            offered = trade.Offered(
                first.bidder.name, first.bidder.credit_code, first.amount_cny_10k, first.at
            )
            await trade.bid(service, uow, draft.id, offered, DEMO_OFFICER)
            await uow.commit()

        assert await run_demo_grants(service, [spec]) == {}  # a failed grant gives no licence
        view = await _get(lic, f"{GRANTS}/{draft.id}", OFFICER)
        assert view["status"] == "failed"
        assert [o["bidder"]["name"] for o in view["bids"]["items"]] == [
            o.bidder.name for o in spec.offers
        ]
        assert (await _get(lic, f"{GRANTS}?limit=100"))["total"] == len(loaded) + 1
