"""The year's grants as the domain counts them, and which event states a grant's present
state (a late or replayed one never moves it backwards)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest

import lode_reporting
from lode_common.events.catalog import GrantAnnounced, GrantFailed
from lode_reporting.domain import grants
from lode_reporting.domain.plan import YearOutsidePlan, check_period_year
from lode_reporting.projections.grants import EVENTS, GrantEvent
from services.reporting.tests.unit.report.builders import sample_grants

I18N = Path(lode_reporting.__file__).parent / "web" / "static" / "js" / "i18n.js"
T = datetime(2024, 5, 1, 2, tzinfo=UTC)
LATER = datetime(2024, 6, 1, 2, tzinfo=UTC)


def test_a_later_event_supersedes_and_an_earlier_one_does_not() -> None:
    row = grants.rank(T, 1, "concluded")
    assert grants.supersedes(grants.rank(LATER, 1, "contracted"), row)
    assert not grants.supersedes(grants.rank(datetime(2024, 4, 1, tzinfo=UTC), 1, "failed"), row)
    assert grants.supersedes(grants.rank(T, 1, "concluded"), row)  # the same event again


def test_at_one_instant_a_later_announcement_or_stage_supersedes() -> None:
    failed = grants.rank(T, 1, "failed")
    assert grants.supersedes(grants.rank(T, 2, "announced"), failed)  # announced again
    assert not grants.supersedes(grants.rank(T, 1, "announced"), failed)
    contracted = grants.rank(T, 2, "contracted")
    assert not grants.supersedes(grants.rank(T, 2, "concluded"), contracted)


def test_the_summary_counts_the_funnel_and_the_concluded_prices() -> None:
    year = sample_grants()

    assert year.summary == grants.GrantSummary(
        announced=4,
        concluded=2,  # the contracted one included
        failed=1,
        contracted=1,
        price_total_cny_10k=Decimal("1760.5"),
        by_mineral=(
            grants.MineralGrants(
                mineral="建筑石料用灰岩",
                count=2,
                concluded=1,
                price_total_cny_10k=Decimal("260.5"),
            ),
            grants.MineralGrants(
                mineral="铁矿", count=2, concluded=1, price_total_cny_10k=Decimal(1500)
            ),
        ),
    )
    assert [g.grant_id for g in year.items] == [  # by announcement
        "grant-0004",
        "grant-0001",
        "grant-0002",
        "grant-0003",
    ]


def test_the_fee_schedule_is_the_contracted_grants_instalments_by_due_date() -> None:
    year = sample_grants()
    concluded = next(g for g in year.items if g.grant_id == "grant-0004")
    signed = replace(
        concluded,
        status="contracted",
        instalments=(grants.Instalment(due=date(2024, 6, 30), amount_cny_10k=Decimal("260.5")),),
    )
    # a concluded grant's instalments are not due until its contract is signed
    unsigned = replace(concluded, instalments=signed.instalments)
    assert [f.grant_id for f in grants.fee_schedule([unsigned])] == []

    schedule = grants.fee_schedule([*year.items, signed])
    assert [(f.due, f.grant_id, f.amount_cny_10k) for f in schedule] == [
        (date(2024, 6, 30), "grant-0001", Decimal(600)),
        (date(2024, 6, 30), "grant-0004", Decimal("260.5")),
        (date(2025, 6, 30), "grant-0001", Decimal(900)),
    ]
    assert schedule[1].winner == "平泉市示意建材有限公司"


def test_an_empty_year() -> None:
    year = grants.grant_year([])
    assert year.none
    assert year.summary == grants.GrantSummary()
    assert year.fee_schedule == ()


def test_labels_say_why_a_trade_failed_never_what_the_reserve_was() -> None:
    year = {g.grant_id: g for g in sample_grants().items}
    assert year["grant-0002"].status_zh == "流拍（报价未达底价）"
    assert year["grant-0001"].status_zh == "已签订出让合同"
    assert year["grant-0001"].method_zh == "挂牌"


def test_the_year_is_one_of_the_plan_period() -> None:
    check_period_year((2021, 2025), 2021)
    check_period_year((2021, 2025), 2025)
    with pytest.raises(YearOutsidePlan) as refused:
        check_period_year((2021, 2025), 2020)
    assert refused.value.message == (
        "年度 2020 不在规划期 2021–2025 内 / year 2020 is outside the plan period 2021–2025"
    )


@pytest.mark.parametrize("kind", EVENTS, ids=lambda kind: kind.event_type)
def test_every_grant_event_has_its_name_in_the_dashboards_feed(kind: type[GrantEvent]) -> None:
    assert I18N.read_text("utf-8").count(f'"event.{kind.event_type}":') == 2  # 中文 and English


def test_every_method_and_reason_of_the_events_has_its_chinese_name() -> None:
    methods = get_args(GrantAnnounced.model_fields["method"].annotation)
    reasons = get_args(GrantFailed.model_fields["reason"].annotation)
    statuses = get_args(grants.GrantStatus)
    assert set(methods) == set(grants.METHOD_ZH)
    assert set(reasons) == set(grants.FAILED_REASON_ZH)
    assert set(statuses) == set(grants.STATUS_ZH) == set(grants.STAGE)
