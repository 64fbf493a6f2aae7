"""A grant plan (出让方案) read field by field, checked by the applications' rule engine as
the granting authority's new application, and its contract's instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.checks import run_checks, verdict
from lode_licensing.domain.errors import InvalidInput
from lode_licensing.domain.grant import as_application, deferred_to_winner, parse_grant
from lode_licensing.domain.grant_contract import Instalment, contract_problems
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.handlers.grants import grant_rules
from lode_licensing.settings import LicensingSettings

from .builders import context, zone


def body(**changes: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "year": 2026,
        "right_type": "mining",
        "mineral": "建筑石料",
        "method": "listing",
        "area": {"geometry": {"type": "Polygon", "coordinates": []}},
        "capacity": {"value": 30, "unit": "万立方米/年"},
        "reserves_10kt": 1200.5,
        "term_years": 10,
        "starting_price_cny_10k": 1000,
        "reserve_price_cny_10k": 1500.25,
        "clean_grant": True,
    }
    given.update(changes)
    return {k: v for k, v in given.items() if v is not None}


def errors(rules: PlanRules, **changes: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        parse_grant(body(**changes), rules)
    return {e.field: e.message for e in refused.value.errors}


def test_a_grant_plan_reads_as_exact_values(rules: PlanRules) -> None:
    grant = parse_grant(body(), rules)
    assert (grant.year, grant.method, grant.mineral.zh) == (2026, "listing", "建筑石料")
    assert grant.reserve_price_cny_10k == Decimal("1500.25")
    assert grant.reserves_10kt == Decimal("1200.5")
    assert grant.capacity is not None
    assert grant.capacity.unit == "万立方米/年"
    assert grant.clean_grant


def test_every_invalid_field_is_named_at_once(rules: PlanRules) -> None:
    found = errors(
        rules,
        year=2027,
        right_type="quarry",
        method=None,
        mineral="铀矿石",
        area=None,
        term_years=True,
        starting_price_cny_10k="1000",
        reserve_price_cny_10k=0,
        clean_grant="yes",
        extra=1,
    )
    assert set(found) == {
        "year",
        "right_type",
        "method",
        "mineral",
        "area",
        "starting_price_cny_10k",
        "reserve_price_cny_10k",
        "clean_grant",
        "extra",
    }
    assert "2021..2026" in found["year"]


def test_the_reserve_price_is_at_least_the_starting_price(rules: PlanRules) -> None:
    found = errors(rules, reserve_price_cny_10k=999.9)
    assert set(found) == {"reserve_price_cny_10k"}
    assert "1000" in found["reserve_price_cny_10k"]
    parse_grant(body(reserve_price_cny_10k=1000), rules)  # equal is allowed


def test_a_right_type_decides_the_capacity_and_the_longest_term(rules: PlanRules) -> None:
    assert set(errors(rules, capacity=None)) == {"capacity"}
    assert set(errors(rules, capacity={"value": 30, "unit": "t/d"})) == {"capacity.unit"}
    assert set(errors(rules, term_years=31)) == {"term_years"}  # 采矿权 30 years at most
    exploration = {"right_type": "exploration", "mineral": "钼矿", "term_years": 5}
    assert set(errors(rules, **exploration)) == {"capacity"}
    grant = parse_grant(body(**exploration, capacity=None), rules)
    assert grant.capacity is None
    longer = {**exploration, "capacity": None, "term_years": 6}
    assert set(errors(rules, **longer)) == {"term_years"}  # 勘查许可证 5 years


def test_a_grant_is_checked_as_the_authoritys_new_application(rules: PlanRules) -> None:
    app = as_application(parse_grant(body(), rules))
    assert (app.kind, app.applicant.credit_code, app.granting) == ("new", "", True)
    # a block anyone holds reads as taken (the authority holds none)
    held = context(zone("mining_block", zone_id="B-1"), block_holders={"B-1": "91130881MA0A00000X"})
    results = {r.rule_id: r for r in deferred_to_winner(run_checks(app, rules, held), rules)}
    assert results["one_holder_per_mining_block"].outcome == "review"
    for winners in ("green_mine_plan_required", "restoration_plan_required"):
        assert results[winners].outcome == "warn"
        assert results[winners].details["application_outcome"] == "fail"
        assert "竞得人" in results[winners].message_zh
    assert "competitive_grant" not in results  # not a grant's own check
    outside = deferred_to_winner(run_checks(app, rules, context(zone("exploration_block"))), rules)
    assert {r.rule_id: r.outcome for r in outside}["outside_blocks_needs_demonstration"] == "review"
    assert verdict(outside) == "needs_review"


def test_a_mining_method_lets_the_scale_checks_judge_the_grant(rules: PlanRules) -> None:
    """Without 开采方式 the mine's scale is unknown, so the service-years check goes to
    review; with it the grant is judged like any new mine of that method."""
    iron = {"mineral": "铁矿", "capacity": {"value": 12, "unit": "万吨/年"}}
    unnamed = as_application(parse_grant(body(**iron), rules))
    named = as_application(parse_grant(body(**iron, mining_method="underground"), rules))
    assert named.mining_method == "underground"
    years = "scale_matches_reserves"
    assert {r.rule_id: r.outcome for r in run_checks(unnamed, rules, context())}[years] == "review"
    assert {r.rule_id: r.outcome for r in run_checks(named, rules, context())}[years] == "pass"
    assert "mining_method" in errors(rules, mining_method="dredging")
    exploration = {"right_type": "exploration", "capacity": None, "term_years": 5}
    assert "mining_method" in errors(rules, **exploration, mining_method="underground")


def day(text: str) -> date:
    return date.fromisoformat(text)


def contract_errors(
    *items: tuple[str, str], signed: str = "2026-04-07", price: str = "1600.5"
) -> dict[str, str]:
    found = contract_problems(
        signed_on=day(signed),
        instalments=[Instalment(day(d), Decimal(a)) for d, a in items],
        price=Decimal(price).quantize(Decimal("0.0001")),  # as the database gives it back
        publicity_until=day("2026-04-07"),
        today=day("2026-12-07"),
    )
    return {e.field: e.message for e in found}


def test_the_instalments_sum_to_the_price_exactly() -> None:
    assert contract_errors(("2026-05-01", "800"), ("2026-11-01", "800.5")) == {}
    uneven = contract_errors(("2026-05-01", "800"), ("2026-11-01", "800.4999"))["instalments"]
    for figure in ("1600.4999", "1600.5", "-0.0001"):
        assert figure in uneven
    whole = contract_errors(("2026-05-01", "1000"), ("2026-11-01", "500"), price="1600")
    assert "成交价 1600 万元，相差 -100 万元" in whole["instalments"]  # as written, no 1600.0000
    assert set(contract_errors()) == {"instalments"}
    found = contract_errors(("2026-11-01", "1600.5"), ("2026-05-01", "0"))
    assert {"instalments[1].due", "instalments[1].amount_cny_10k"} <= set(found)
    assert "instalments[0].due" in contract_errors(("2026-04-01", "1600.5"))


def test_the_contract_follows_the_publicity_and_is_not_in_the_future() -> None:
    early = contract_errors(("2026-05-01", "1600.5"), signed="2026-04-06")
    assert "2026-04-07" in early["signed_on"]
    assert "future" in contract_errors(("2027-05-01", "1600.5"), signed="2026-12-08")["signed_on"]


def test_each_period_is_a_setting_with_its_source() -> None:
    settings = LicensingSettings()
    rules = grant_rules(settings)
    assert (rules.announcement_workdays, rules.listing_workdays, rules.publicity_workdays) == (
        20,
        10,
        10,
    )
    assert (rules.auction_min_bidders, rules.tender_min_bidders) == (3, 3)
    assert "PROCEDURES.md" in rules.sources["announcement_workdays"]
    assert "PROCEDURES.md" in rules.sources["publicity_workdays"]
    for unverified in ("listing_workdays", "auction_min_bidders", "tender_min_bidders"):
        assert "nverified" in rules.sources[unverified], unverified
    assert settings.holiday_schedule_file is None
    assert (
        grant_rules(LicensingSettings(grant_announcement_workdays=25)).announcement_workdays == 25
    )
