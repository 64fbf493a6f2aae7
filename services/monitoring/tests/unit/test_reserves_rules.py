"""The reserves report's findings, each at and around its threshold, and its deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from lode_monitoring.domain.capacity import Capacity
from lode_monitoring.domain.finding import RESERVES_CODES, Finding
from lode_monitoring.domain.reserves_rules import (
    evaluate_reserves,
    missing_reserves_reports,
    reserves_discontinuity,
)
from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.settings import MonitoringSettings

from .builders import (
    EXPLORATION_NO,
    MINING_NO,
    OTHER_MINING_NO,
    licence,
    report,
    reserves,
    reserves_policy,
)

CST = timezone(timedelta(hours=8))
POLICY = reserves_policy()


def _codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def _judge(standards: MonitoringStandards, **kw: object) -> list[Finding]:
    lic = kw.pop("lic", licence())
    rep = kw.pop("rep", reserves())
    return evaluate_reserves(rep, lic, standards, POLICY, **kw)  # type: ignore[arg-type]


def test_a_clean_report_gives_no_finding(standards: MonitoringStandards) -> None:
    previous = reserves(year=2020, closing_10kt=700)
    assert _judge(standards, previous=previous, output=report(ore_mined_10kt=25)) == []


# --- continuity ------------------------------------------------------------------------------


@pytest.mark.parametrize(("closing", "found"), [("700", False), ("700.0001", True), ("699", True)])
def test_opening_must_be_last_years_closing(
    standards: MonitoringStandards, closing: str, found: bool
) -> None:
    previous = reserves(year=2020, closing_10kt=closing)
    findings = reserves_discontinuity(reserves(), previous, POLICY)
    assert bool(findings) is found
    if found:
        (f,) = findings
        assert f.code == "reserves_discontinuity"
        assert f.severity == "warning"
        assert f.key == f"reserves_discontinuity:{MINING_NO}:2021:铁矿"
        assert f.details["gap_10kt"] == Decimal(700) - Decimal(closing)
        assert "矿产资源法 第四十条" in f.standard_or_clause
    assert reserves_discontinuity(reserves(), None, POLICY) == []


# --- extraction against the output report ------------------------------------------------------


@pytest.mark.parametrize(
    ("extracted", "found"),
    [
        ("25", False),
        ("26.25", False),  # exactly 5 % above
        ("26.2501", True),
        ("23.75", False),  # exactly 5 % below
        ("23.7499", True),
    ],
)
def test_extracted_within_the_tolerance_of_ore_mined(
    standards: MonitoringStandards, extracted: str, found: bool
) -> None:
    rep = reserves(extracted_10kt=extracted)
    findings = _judge(standards, rep=rep, output=report(ore_mined_10kt=25))
    assert ("extraction_mismatch" in _codes(findings)) is found
    if found:
        (f,) = [f for f in findings if f.code == "extraction_mismatch"]
        assert f.severity == "warning"
        assert f.details["tolerance_pct"] == Decimal(5)
        assert "the bureau's setting, not law" in f.standard_or_clause


def test_the_tolerance_is_the_setting(standards: MonitoringStandards) -> None:
    rep = reserves(extracted_10kt="26")  # 4 % above 25
    output = report(ore_mined_10kt=25)
    assert evaluate_reserves(rep, licence(), standards, reserves_policy("4"), output=output) == []
    tighter = evaluate_reserves(rep, licence(), standards, reserves_policy("3.9999"), output=output)
    assert _codes(tighter) == ["extraction_mismatch"]


def test_extraction_when_nothing_was_mined_and_without_an_annual_report(
    standards: MonitoringStandards,
) -> None:
    idle = reserves(extracted_10kt=0, lost_10kt=0)
    assert _judge(standards, rep=idle, output=report(ore_mined_10kt=0)) == []
    some = reserves(extracted_10kt="0.0001", lost_10kt=0)
    assert _codes(_judge(standards, rep=some, output=report(ore_mined_10kt=0))) == [
        "extraction_mismatch"
    ]
    assert _judge(standards, rep=reserves(extracted_10kt=40), output=None) == []
    quarter = report(ore_mined_10kt=5, period="Q1")
    assert _judge(standards, rep=reserves(extracted_10kt=40), output=quarter) == []


# --- implied mining recovery --------------------------------------------------------------------


@pytest.mark.parametrize(("lost", "found"), [("25", False), ("25.0001", True), ("10", False)])
def test_implied_recovery_against_the_national_minimum(
    standards: MonitoringStandards, lost: str, found: bool
) -> None:
    # an underground iron mine: 开采回采率 at least 75 %; 75 ÷ (75 + 25) is exactly 75 %
    rep = reserves(extracted_10kt=75, lost_10kt=lost, opening_10kt=5000)
    findings = [f for f in _judge(standards, rep=rep) if f.code == "recovery_implied_low"]
    assert bool(findings) is found
    if found:
        (f,) = findings
        assert f.severity == "violation"
        assert f.details["minimum_pct"] == Decimal(75)
        assert f.details["implied_pct"] == Decimal("75.00")
        assert f.details["confidence"] == "found"
        assert "74.99" not in f.message_zh  # rounded to 0.01 for display only


def test_implied_recovery_of_an_unverified_minimum_is_a_warning(
    standards: MonitoringStandards,
) -> None:
    fluorite = licence(mineral="萤石", scale="small", capacity=Capacity(Decimal(5), "万吨/年"))
    rep = reserves(mineral="萤石", extracted_10kt=3, lost_10kt=2, opening_10kt=500)
    (f,) = [f for f in _judge(standards, lic=fluorite, rep=rep) if f.code == "recovery_implied_low"]
    assert f.severity == "warning"
    assert f.details["implied_pct"] == Decimal("60.00")
    assert "confidence: unverified" in f.standard_or_clause


def test_nothing_used_implies_no_recovery(standards: MonitoringStandards) -> None:
    idle = reserves(extracted_10kt=0, lost_10kt=0)
    assert "recovery_implied_low" not in _codes(_judge(standards, rep=idle))


# --- service years -----------------------------------------------------------------------------


@pytest.mark.parametrize(("closing", "found"), [("600", False), ("599.9999", True), ("900", False)])
def test_service_years_of_a_medium_mine(
    standards: MonitoringStandards, closing: str, found: bool
) -> None:
    # 30 万吨/年, medium: at least 20 years, i.e. 600 万吨
    rep = reserves(closing_10kt=closing, recalculated_10kt=Decimal(closing) - Decimal("682.5"))
    findings = [f for f in _judge(standards, rep=rep) if f.code == "service_years_short"]
    assert bool(findings) is found
    if found:
        (f,) = findings
        assert f.severity == "warning"
        assert f.details["service_years"] == Decimal("20.0")
        assert f.details["min_service_years"] == 20
        assert f.details["confidence"] == "unverified"
        assert "confidence: unverified" in f.standard_or_clause
        assert "短于中型矿山最低服务年限 20 年" in f.message_zh


def test_service_years_convert_volume_and_daily_capacities(
    standards: MonitoringStandards,
) -> None:
    # 10 万立方米/年 of building stone at 2.7 t/m³ is 27 万吨/年; small: 10 years, 270 万吨
    quarry = licence(
        mineral="建筑石料",
        mining_method="open_pit",
        scale="small",
        capacity=Capacity(Decimal(10), "万立方米/年"),
    )
    for closing, found in (("270", False), ("269.9999", True)):
        rep = reserves(
            mineral="建筑石料",
            opening_10kt=closing,
            extracted_10kt=0,
            lost_10kt=0,
            new_proven_10kt=0,
            recalculated_10kt=0,
        )
        codes = _codes(_judge(standards, lic=quarry, rep=rep))
        assert ("service_years_short" in codes) is found
    # 100 t/d over 330 working days is 3.3 万吨/年; small: 33 万吨
    gold = licence(mineral="金矿", scale="small", capacity=Capacity(Decimal(100), "t/d"))
    short = reserves(
        mineral="金矿",
        opening_10kt="32.9999",
        extracted_10kt=0,
        lost_10kt=0,
        new_proven_10kt=0,
        recalculated_10kt=0,
    )
    enough = reserves(
        mineral="金矿",
        opening_10kt="33",
        extracted_10kt=0,
        lost_10kt=0,
        new_proven_10kt=0,
        recalculated_10kt=0,
    )
    assert "service_years_short" in _codes(_judge(standards, lic=gold, rep=short))
    assert "service_years_short" not in _codes(_judge(standards, lic=gold, rep=enough))


def test_no_capacity_no_service_years(standards: MonitoringStandards) -> None:
    rep = reserves(closing_10kt=1, recalculated_10kt="-681.5")
    assert "service_years_short" not in _codes(
        _judge(standards, lic=licence(capacity=None), rep=rep)
    )


def test_an_associated_mineral_is_checked_for_continuity_only(
    standards: MonitoringStandards,
) -> None:
    zinc = reserves(mineral="锌矿", main=False, closing_10kt=1, recalculated_10kt="-681.5")
    previous = reserves(year=2020, mineral="锌矿", closing_10kt=1)
    findings = _judge(standards, rep=zinc, previous=previous, output=report(ore_mined_10kt=99))
    assert _codes(findings) == ["reserves_discontinuity"]
    assert {f.subject for f in findings} == {"锌矿"}


def test_every_code_of_a_report_is_in_its_scope(standards: MonitoringStandards) -> None:
    bad = reserves(
        extracted_10kt=75,
        lost_10kt=50,
        closing_10kt=1,
        opening_10kt=600,
        new_proven_10kt=0,
        recalculated_10kt="-474",
    )
    previous = reserves(year=2020, closing_10kt=1)
    findings = _judge(standards, rep=bad, previous=previous, output=report(ore_mined_10kt=25))
    assert set(_codes(findings)) == RESERVES_CODES
    with pytest.raises(ValueError, match="evaluated with licence"):
        _judge(standards, lic=licence(licence_no=OTHER_MINING_NO))


# --- the filing deadline -----------------------------------------------------------------------


def test_a_report_is_missing_after_31_january_china_time() -> None:
    mine = licence()
    assert missing_reserves_reports([mine], set(), date(2022, 1, 31), POLICY) == []
    assert (
        missing_reserves_reports([mine], set(), datetime(2022, 1, 31, 15, 59, tzinfo=UTC), POLICY)
        == []
    )
    (f,) = missing_reserves_reports([mine], set(), datetime(2022, 1, 31, 16, 0, tzinfo=UTC), POLICY)
    assert (f.code, f.year, f.severity) == ("reserves_report_missing", 2021, "warning")
    assert f.key == f"reserves_report_missing:{MINING_NO}:2021"
    assert f.details["deadline"] == "2022-01-31"
    assert "矿产资源法 第四十条" in f.standard_or_clause
    assert missing_reserves_reports([mine], {(MINING_NO, 2021)}, date(2022, 2, 1), POLICY) == []


def test_the_deadline_is_a_setting() -> None:
    later = reserves_policy(due=(3, 31))
    assert missing_reserves_reports([licence()], set(), date(2022, 3, 31), later) == []
    assert len(missing_reserves_reports([licence()], set(), date(2022, 4, 1), later)) == 1


def test_years_before_the_first_and_exploration_licences_are_not_asked_for() -> None:
    old = licence(valid_from=date(2015, 1, 1))
    found = missing_reserves_reports([old], set(), date(2023, 2, 1), POLICY, first_year=2021)
    assert [f.year for f in found] == [2021, 2022]
    exploration = licence(licence_no=EXPLORATION_NO, right_type="exploration")
    assert missing_reserves_reports([exploration], set(), date(2023, 2, 1), POLICY) == []


def test_a_cst_clock_reading_just_before_the_deadline_ends() -> None:
    last = datetime(2022, 1, 31, 23, 59, tzinfo=CST)
    assert missing_reserves_reports([licence()], set(), last, POLICY) == []


# --- the settings ------------------------------------------------------------------------------


def test_the_defaults_are_31_january_and_5_percent_each_citing_its_source() -> None:
    policy = MonitoringSettings().reserves_policy()
    assert policy.filing_due == (1, 31)
    assert policy.deadline(2024) == date(2025, 1, 31)
    assert policy.extraction_tolerance_pct == Decimal(5)
    assert "矿产资源法 第四十条" in policy.source
    assert "not a figure of law" in policy.extraction_tolerance_source


def test_the_deadline_setting_is_a_day_of_every_year() -> None:
    assert MonitoringSettings(reserves_filing_due="03-31").reserves_policy().filing_due == (3, 31)
    for bad in ("02-29", "13-01", "1-31", "01-32"):
        with pytest.raises(ValidationError):
            MonitoringSettings(reserves_filing_due=bad)
    with pytest.raises(ValidationError):
        MonitoringSettings(extraction_tolerance_pct=Decimal(-1))
