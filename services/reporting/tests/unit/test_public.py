"""What the public disclosure shows (issue 18), without a database: the licences in force on
some day of a year, the years that may be asked for, a licence's hectares, and the values
only some states may show (a grant's result, a rejection's reason, a listing)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from lode_reporting.adapters.decisions import PublicDecision
from lode_reporting.adapters.tables import GrantRecord
from lode_reporting.domain import public
from lode_reporting.domain.measures import LicenceVersion
from lode_reporting.domain.plan import YearOutsidePlan
from lode_reporting.public import views

SQUARE: dict[str, Any] = {
    "type": "Polygon",
    "coordinates": [
        [[118.7, 40.9], [118.71, 40.9], [118.71, 40.91], [118.7, 40.91], [118.7, 40.9]]
    ],
}
T = datetime(2024, 5, 1, 2, tzinfo=UTC)


def version(
    no: str,
    effective_on: date,
    status: str = "active",
    *,
    valid_from: date = date(2018, 1, 1),
    valid_to: date = date(2030, 1, 1),
    event_id: str = "e",
) -> LicenceVersion:
    return LicenceVersion(
        licence_no=no,
        event_id=event_id,
        effective_on=effective_on,
        right_type="mining",
        status=status,
        scale="small",
        mineral="铁矿",
        valid_from=valid_from,
        valid_to=valid_to,
    )


def test_a_licence_is_in_force_in_a_year_if_on_any_day_of_it() -> None:
    versions = [
        version("throughout", date(2018, 1, 1)),
        version("expired-2023", date(2018, 1, 1), valid_to=date(2023, 12, 31)),
        version("ends-on-new-years-day", date(2018, 1, 1), valid_to=date(2024, 1, 1)),
        version("revoked-2023", date(2018, 1, 1), event_id="1"),
        version("revoked-2023", date(2023, 6, 1), "revoked", event_id="2"),
        version("revoked-march", date(2018, 1, 1), event_id="1"),
        version("revoked-march", date(2024, 3, 1), "revoked", event_id="2"),
        version("suspended", date(2018, 1, 1), event_id="1"),
        version("suspended", date(2023, 1, 1), "suspended", event_id="2"),
        version("from-2025", date(2025, 1, 1), valid_from=date(2025, 1, 1)),
        version("from-december", date(2024, 12, 31), valid_from=date(2024, 12, 31)),
        version("cancelled-same-day", date(2024, 1, 1), "active", event_id="a"),
        version("cancelled-same-day", date(2024, 1, 1), "cancelled", event_id="b"),
        version("cancelled-at-issue", date(2018, 1, 1), "cancelled"),
    ]
    assert public.in_force_during(versions, 2024) == {
        "throughout",
        "ends-on-new-years-day",
        "revoked-march",
        "suspended",  # a suspended licence is still in force (停产整顿)
        "from-december",
    }
    assert "revoked-2023" in public.in_force_during(versions, 2023)
    assert "expired-2023" in public.in_force_during(versions, 2023)
    assert "from-2025" not in public.in_force_during(versions, 2023)


def test_the_years_asked_for_are_the_plans_then_this_one() -> None:
    assert public.years((2021, 2025), 2026) == (2021, 2026)
    assert public.years((2021, 2025), 2023) == (2021, 2025)
    assert public.years(None, 2026) == (2026, 2026)
    public.check_year((2021, 2025), 2026, this_year=2026)
    for outside in (2020, 2027):
        with pytest.raises(YearOutsidePlan):
            public.check_year((2021, 2025), outside, this_year=2026)
    public.check_year(None, 2026, this_year=2026)
    with pytest.raises(YearOutsidePlan, match="规划尚未送达"):
        public.check_year(None, 2025, this_year=2026)


def test_hectares_agree_with_zonings_within_half_a_per_mille() -> None:
    area = pytest.importorskip("lode_zoning.domain.area")
    from shapely.geometry import shape

    measured = public.area_ha(SQUARE)
    assert measured is not None
    assert measured == measured.quantize(Decimal("0.0001"))
    zoning = area.area_ha(shape(SQUARE))
    assert abs(measured - zoning) / zoning < Decimal("0.0005")


def test_hectares_of_rings_either_way_of_holes_and_of_several_parts() -> None:
    square = public.area_ha(SQUARE)
    assert square is not None
    ring = SQUARE["coordinates"][0]
    assert public.area_ha({"type": "Polygon", "coordinates": [ring[::-1]]}) == square
    inner = [[118.702, 40.902], [118.704, 40.902], [118.704, 40.904], [118.702, 40.904]]
    holed = public.area_ha({"type": "Polygon", "coordinates": [ring, [*inner, inner[0]]]})
    assert holed is not None
    assert square - holed > Decimal(3)
    moved = [[x + 0.05, y] for x, y in ring]
    both = public.area_ha({"type": "MultiPolygon", "coordinates": [[ring], [moved]]})
    assert both is not None
    assert abs(both - 2 * square) < Decimal("0.01")
    for nothing in (None, {}, {"type": "Point", "coordinates": [118.7, 40.9]}, {"type": "x"}):
        assert public.area_ha(nothing) is None


def test_a_rejections_reason_and_an_approvals_licence() -> None:
    assert public.decision_reason("rejected", "材料不全", publish=True) == "材料不全"
    assert public.decision_reason("rejected", "材料不全", publish=False) is None
    assert public.decision_reason("approved", "内部备注", publish=True) is None
    assert public.decision_licence("approved", "C" + "1" * 22) == "C" + "1" * 22
    assert public.decision_licence("rejected", "C" + "1" * 22) is None
    assert public.recent_since(date(2024, 3, 30)) == date(2024, 3, 1)
    row = PublicDecision(
        application_id="a-1",
        right_type="mining",
        kind="renewal",
        applicant_name="示意矿业",
        applicant_credit_code="91130881MA0A000007",
        mineral="铁矿",
        decision="approved",
        reason="同意（内部备注）",
        licence_no="C" + "1" * 22,
        decided_on=date(2024, 5, 2),
        updated_at=T,
        event_id="e-1",
    )
    shown = views.decision(row, publish_reasons=True)
    assert (shown.reason, shown.licence_no) == (None, "C" + "1" * 22)


def _grant(status: str) -> GrantRecord:
    return GrantRecord(
        grant_id="g-1",
        year=2024,
        right_type="mining",
        mineral="铁矿",
        method="listing",
        status=status,
        announcement=2,
        announced_on=date(2024, 5, 1),
        starting_price_cny_10k=Decimal(900),
        winner_name="承德示意矿业有限公司",  # a late result of the first trade
        winner_credit_code="91130881MA0A000023",
        price_cny_10k=Decimal(1500),
        publicity_until=date(2024, 4, 11),
        signed_on=None,
        zones=[],
        instalments=[],
        updated_at=T,
        event_id="e-1",
    )


def test_a_grants_result_shows_only_once_concluded() -> None:
    announced = views.grant(_grant("announced"))
    assert (announced.winner_name, announced.winner_credit_code) == (None, None)
    assert (announced.price_cny_10k, announced.publicity_until) == (None, None)
    assert announced.starting_price_cny_10k == 900
    for status in ("concluded", "contracted"):
        shown = views.grant(_grant(status))
        assert shown.winner_name == "承德示意矿业有限公司"
        assert shown.price_cny_10k == Decimal(1500)
    assert not any("reserve" in name for name in views.GrantOut.model_fields)
    assert public.result_public("failed") is False


def test_a_listing_shows_while_it_stands() -> None:
    today = date(2024, 6, 1)
    assert public.on_list("listed", None, today)
    assert public.on_list("listed", today, today)
    assert not public.on_list("listed", date(2024, 5, 31), today)  # its term is over
    assert not public.on_list("released", None, today)
