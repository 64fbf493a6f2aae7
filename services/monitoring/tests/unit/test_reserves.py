"""Reserves reports (储量年报): every field read, the balance exact, corrections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lode_monitoring.domain.errors import InvalidReservesReport, UnbalancedReserves
from lode_monitoring.domain.reserves import (
    parse_reserves_correction,
    parse_reserves_report,
    reserves_report_errors,
)
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import EXPLORATION_NO, MINING_NO, OTHER_MINING_NO, TODAY, licence, reserves_body


def _fields(standards: MonitoringStandards, body: Any, **kw: Any) -> list[str]:
    return [e.field for e in reserves_report_errors(body, standards=standards, today=TODAY, **kw)]


def test_a_balanced_report_is_read_exactly(standards: MonitoringStandards) -> None:
    report = parse_reserves_report(
        reserves_body(), standards=standards, today=TODAY, licence=licence()
    )
    assert report.opening_10kt == Decimal(700)
    assert report.lost_10kt == Decimal("2.5")
    assert report.recalculated_10kt == Decimal("-1.5")
    assert report.closing_10kt == report.computed_closing_10kt == Decimal(681)
    assert report.used_10kt == Decimal("27.5")
    assert report.mineral == "铁矿"
    assert report.main


def test_decimals_balance_exactly_where_floats_would_not(standards: MonitoringStandards) -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point: read exactly, it balances
    body = reserves_body(
        opening_10kt=0.1,
        extracted_10kt=0,
        lost_10kt=0,
        new_proven_10kt=0.2,
        recalculated_10kt=0,
        closing_10kt=0.3,
    )
    report = parse_reserves_report(body, standards=standards, today=TODAY)
    assert report.closing_10kt == Decimal("0.3")


@pytest.mark.parametrize("off", ["0.0001", "-0.0001", "1"])
def test_a_closing_off_by_any_amount_is_refused_naming_the_difference(
    standards: MonitoringStandards, off: str
) -> None:
    closing = Decimal(681) + Decimal(off)
    body = reserves_body(closing_10kt=float(closing))
    with pytest.raises(UnbalancedReserves) as raised:
        parse_reserves_report(body, standards=standards, today=TODAY, licence=licence())
    error = raised.value
    assert error.computed == Decimal(681)
    assert error.closing == closing
    assert error.difference == Decimal(off)
    ((field, message),) = [(e.field, e.message) for e in error.errors]
    assert field == "closing_10kt"
    assert f"= 681, closing given {closing.normalize():f}, difference {Decimal(off):f}" in message
    assert "储量不平衡" in message
    assert _fields(standards, body) == ["closing_10kt"]


def test_the_balance_is_checked_once_every_field_is_valid(
    standards: MonitoringStandards,
) -> None:
    body = reserves_body(closing_10kt=1, lost_10kt=-1)
    assert _fields(standards, body) == ["lost_10kt"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"opening_10kt": -0.0001}, "opening_10kt"),
        ({"extracted_10kt": "25"}, "extracted_10kt"),
        ({"lost_10kt": True}, "lost_10kt"),
        ({"new_proven_10kt": None}, "new_proven_10kt"),
        ({"closing_10kt": 1.00001}, "closing_10kt"),
        ({"recalculated_10kt": "−1"}, "recalculated_10kt"),
        ({"recalculated_10kt": -(10**12)}, "recalculated_10kt"),
        ({"year": 1989}, "year"),
        ({"year": 2023}, "year"),  # after TODAY's year
        ({"year": 2021.0}, "year"),
        ({"mineral": ""}, "mineral"),
        ({"mineral": "月壤"}, "mineral"),
        ({"licence_no": "C13"}, "licence_no"),
        ({"licence_no": EXPLORATION_NO}, "licence_no"),
        ({"closing": 681}, "closing"),
    ],
)
def test_each_bad_field_is_named(
    standards: MonitoringStandards, changes: dict[str, Any], field: str
) -> None:
    fields = _fields(standards, reserves_body(**changes))
    assert field in fields, fields
    with pytest.raises(InvalidReservesReport):
        parse_reserves_report(reserves_body(**changes), standards=standards, today=TODAY)


def test_every_field_is_required(standards: MonitoringStandards) -> None:
    assert sorted(_fields(standards, {})) == sorted(
        [
            "licence_no",
            "year",
            "mineral",
            "opening_10kt",
            "extracted_10kt",
            "lost_10kt",
            "new_proven_10kt",
            "recalculated_10kt",
            "closing_10kt",
        ]
    )
    assert _fields(standards, []) == [""]


def test_a_negative_recalculation_is_allowed_but_not_a_negative_closing(
    standards: MonitoringStandards,
) -> None:
    body = reserves_body(recalculated_10kt=-682.5, closing_10kt=0)
    assert _fields(standards, body) == []
    assert _fields(standards, reserves_body(closing_10kt=-1)) == ["closing_10kt"]


def test_the_licence_checks(standards: MonitoringStandards) -> None:
    mine = licence()
    assert _fields(standards, reserves_body(licence_no=OTHER_MINING_NO), licence=mine) == [
        "licence_no"
    ]
    late = licence(valid_from=date(2022, 3, 1))
    assert _fields(standards, reserves_body(), licence=late) == ["year"]
    exploration = licence(licence_no=EXPLORATION_NO, right_type="exploration")
    assert "licence_no" in _fields(
        standards, reserves_body(licence_no=EXPLORATION_NO), licence=exploration
    )


@pytest.mark.parametrize(
    ("given", "stored", "main"), [("iron", "铁矿", True), ("铁矿", "铁矿", True)]
)
def test_the_licences_mineral_keeps_the_licences_spelling(
    standards: MonitoringStandards, given: str, stored: str, main: bool
) -> None:
    report = parse_reserves_report(
        reserves_body(mineral=given), standards=standards, today=TODAY, licence=licence()
    )
    assert (report.mineral, report.main) == (stored, main)
    gold = licence(mineral="岩金")
    report = parse_reserves_report(
        reserves_body(mineral="rock_gold"), standards=standards, today=TODAY, licence=gold
    )
    assert (report.mineral, report.main) == ("岩金", True)


def test_an_associated_mineral_is_the_catalogues(standards: MonitoringStandards) -> None:
    report = parse_reserves_report(
        reserves_body(mineral="zinc"), standards=standards, today=TODAY, licence=licence()
    )
    assert (report.mineral, report.main) == ("锌矿", False)


def test_a_mineral_only_the_licence_knows_is_its_own(standards: MonitoringStandards) -> None:
    odd = licence(mineral="示意矿种")
    report = parse_reserves_report(
        reserves_body(mineral="示意矿种"), standards=standards, today=TODAY, licence=odd
    )
    assert (report.mineral, report.main) == ("示意矿种", True)
    assert _fields(standards, reserves_body(mineral="别的矿种"), licence=odd) == ["mineral"]


# --- corrections -----------------------------------------------------------------------------


def test_a_correction_changes_figures_and_must_still_balance(
    standards: MonitoringStandards,
) -> None:
    current = reserves_body()
    fixed = parse_reserves_correction(
        current,
        {"lost_10kt": 3.5, "closing_10kt": 680, "reason": "损失量更正"},
        standards=standards,
        today=TODAY,
        licence=licence(),
    )
    assert fixed.report.closing_10kt == Decimal(680)
    assert fixed.body["lost_10kt"] == 3.5
    assert "reason" not in fixed.body
    assert fixed.reason == "损失量更正"
    with pytest.raises(UnbalancedReserves) as raised:
        parse_reserves_correction(
            current, {"lost_10kt": 3.5, "reason": "损失量更正"}, standards=standards, today=TODAY
        )
    assert raised.value.difference == Decimal(1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closing_10kt": 681}, "reason"),
        ({"reason": "x"}, "reason"),
        ({"reason": "更正", "year": 2022}, "year"),
        ({"reason": "更正", "mineral": "锌矿"}, "mineral"),
        ({"reason": "更正", "licence_no": OTHER_MINING_NO}, "licence_no"),
        ({"reason": "更正", "lost_10kt": -1}, "lost_10kt"),
        ([], ""),
    ],
)
def test_invalid_corrections(standards: MonitoringStandards, body: Any, field: str) -> None:
    with pytest.raises(InvalidReservesReport) as raised:
        parse_reserves_correction(reserves_body(), body, standards=standards, today=TODAY)
    assert field in [e.field for e in raised.value.errors]


def test_a_correction_body_with_the_same_keys_is_fine(standards: MonitoringStandards) -> None:
    same = {"licence_no": MINING_NO, "year": 2021, "mineral": "铁矿", "reason": "复核无误"}
    fixed = parse_reserves_correction(reserves_body(), same, standards=standards, today=TODAY)
    assert fixed.report.closing_10kt == Decimal(681)
