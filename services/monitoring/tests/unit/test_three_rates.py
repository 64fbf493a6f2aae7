"""Which national three-rate minimum applies (three_rates.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lode_monitoring.domain.standards import MonitoringStandards

from .builders import standards_of


def _minimum(standards: MonitoringStandards, mineral: str, rate: str, **kw: object) -> Decimal:
    applicable = standards.three_rates.minimum_for(mineral, rate, **kw)  # type: ignore[arg-type]
    assert applicable is not None
    return applicable.minimum.minimum_pct


def test_open_pit_iron_depends_on_scale(standards: MonitoringStandards) -> None:
    common = {"method": "open_pit", "ore_type": None}
    assert _minimum(standards, "铁矿", "mining_recovery", scale="large", **common) == 95
    assert _minimum(standards, "铁矿", "mining_recovery", scale="medium", **common) == 90
    assert _minimum(standards, "铁矿", "mining_recovery", scale="small", **common) == 90


def test_unknown_scale_uses_the_lowest_that_could_apply(standards: MonitoringStandards) -> None:
    applicable = standards.three_rates.minimum_for(
        "铁矿", "mining_recovery", method="open_pit", scale=None, ore_type=None
    )
    assert applicable is not None
    assert applicable.minimum.minimum_pct == 90
    assert applicable.unknown_inputs == ("scale",)


def test_unknown_method_uses_the_lowest_of_both(standards: MonitoringStandards) -> None:
    applicable = standards.three_rates.minimum_for(
        "金矿", "mining_recovery", method=None, scale="small", ore_type=None
    )
    assert applicable is not None
    assert applicable.minimum.minimum_pct == 75
    assert applicable.unknown_inputs == ("mining method",)


def test_default_ore_type_is_magnetite_and_said(standards: MonitoringStandards) -> None:
    applicable = standards.three_rates.minimum_for(
        "铁矿", "processing_recovery", method="underground", scale="small", ore_type=None
    )
    assert applicable is not None
    assert applicable.minimum.minimum_pct == 90
    assert applicable.ore_type == "magnetite"
    assert applicable.ore_type_defaulted


def test_hematite_has_its_own_minimum(standards: MonitoringStandards) -> None:
    applicable = standards.three_rates.minimum_for(
        "铁矿", "processing_recovery", method="underground", scale="small", ore_type="hematite"
    )
    assert applicable is not None
    assert applicable.minimum.minimum_pct == 70
    assert not applicable.ore_type_defaulted


def test_minerals_and_rates_without_minimums(standards: MonitoringStandards) -> None:
    table = standards.three_rates
    kw: dict[str, object] = {"method": "underground", "scale": "small", "ore_type": None}
    assert table.minimum_for("钼矿", "mining_recovery", **kw) is None  # type: ignore[arg-type]
    assert table.minimum_for("铁矿", "comprehensive_utilization", **kw) is None  # type: ignore[arg-type]


def test_a_method_the_table_does_not_name_gets_no_minimum(standards: MonitoringStandards) -> None:
    # 萤石 has rows for underground and open_pit only; an unknown method named is no match
    assert (
        standards.three_rates.minimum_for(
            "萤石", "mining_recovery", method="in_situ_leaching", scale=None, ore_type=None
        )
        is None
    )


def test_a_more_specific_minimum_with_an_unknown_condition_is_weighed(
    document: dict[str, Any],
) -> None:
    # a hypothetical 70 for large underground iron mines: with the scale unknown, the
    # general underground 75 may not be the one that applies, so the lower 70 is used
    items = document["standards"]["three_rates_minimums"]["items"]
    items.append(
        {"mineral_zh": "铁矿", "method": "underground", "scale": ["large"],
         "mining_recovery_min": 70, "confidence": "found"}
    )  # fmt: skip
    table = standards_of(document).three_rates
    unknown = table.minimum_for(
        "铁矿", "mining_recovery", method="underground", scale=None, ore_type=None
    )
    assert unknown is not None
    assert (unknown.minimum.minimum_pct, unknown.unknown_inputs) == (Decimal(70), ("scale",))
    known = table.minimum_for(
        "铁矿", "mining_recovery", method="underground", scale="small", ore_type=None
    )
    assert known is not None
    assert (known.minimum.minimum_pct, known.unknown_inputs) == (Decimal(75), ())
