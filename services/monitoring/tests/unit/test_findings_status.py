"""production_while_inactive: production while the licence was not active."""

from __future__ import annotations

from datetime import date

import pytest

from lode_monitoring.domain.findings import production_while_inactive
from lode_monitoring.domain.licence import StatusChange
from lode_monitoring.domain.report import Product
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import TODAY, licence, report, suspended_from


def test_suspended_all_year_and_producing_is_a_violation(standards: MonitoringStandards) -> None:
    lic = licence(status_history=suspended_from(date(2021, 1, 1)))
    (finding,) = production_while_inactive(report(), lic, standards, TODAY)
    assert finding.code == "production_while_inactive"
    assert finding.severity == "violation"
    assert finding.details["inactive_days"] == 365
    assert "whole period" in finding.message_en
    assert "暂扣" in finding.message_zh


def test_suspended_part_of_the_year_is_a_warning_with_the_days(
    standards: MonitoringStandards,
) -> None:
    lic = licence(status_history=suspended_from(date(2021, 3, 1), until=date(2021, 4, 1)))
    (finding,) = production_while_inactive(report(), lic, standards, TODAY)
    assert finding.severity == "warning"
    assert finding.details["inactive_days"] == 31
    assert finding.details["licensed_days"] == 365
    assert "31 of 365 days" in finding.message_en
    assert "31 天" in finding.message_zh


@pytest.mark.parametrize(
    ("suspended_on", "expected"),
    [
        (date(2021, 12, 31), "warning"),  # one day of the year
        (date(2022, 1, 1), None),  # the day after the year: nothing in 2021
    ],
)
def test_one_day_of_suspension_counts(
    standards: MonitoringStandards, suspended_on: date, expected: str | None
) -> None:
    lic = licence(status_history=suspended_from(suspended_on))
    found = production_while_inactive(report(), lic, standards, TODAY)
    assert [f.severity for f in found] == ([expected] if expected else [])


def test_no_production_no_finding(standards: MonitoringStandards) -> None:
    lic = licence(status_history=suspended_from(date(2021, 1, 1)))
    idle = report(ore_mined_10kt=0, products=(Product("铁精粉", 0),))  # type: ignore[arg-type]
    assert production_while_inactive(idle, lic, standards, TODAY) == []


def test_products_alone_count_as_production(standards: MonitoringStandards) -> None:
    from decimal import Decimal

    lic = licence(status_history=suspended_from(date(2021, 1, 1)))
    stockpile = report(ore_mined_10kt=0, products=(Product("铁精粉", Decimal(1)),))
    assert production_while_inactive(stockpile, lic, standards, TODAY) != []


def test_an_expired_licence_after_its_validity(standards: MonitoringStandards) -> None:
    lic = licence(valid_from=date(2011, 1, 1), valid_to=date(2021, 6, 30))
    (finding,) = production_while_inactive(report(), lic, standards, TODAY)
    assert finding.severity == "warning"
    assert finding.details["inactive_days_by_status"] == {"expired": 184}


def test_revoked_for_the_whole_quarter(standards: MonitoringStandards) -> None:
    lic = licence(status_history=(StatusChange("revoked", date(2021, 3, 15)),))
    (finding,) = production_while_inactive(report(period="Q2"), lic, standards, TODAY)
    assert finding.severity == "violation"
    assert finding.key == "production_while_inactive:C1308812021017120000001:2021:Q2"
    assert finding.details["licensed_days"] == 91


def test_days_before_issue_are_not_inactive(standards: MonitoringStandards) -> None:
    lic = licence(valid_from=date(2021, 7, 1))
    assert production_while_inactive(report(), lic, standards, TODAY) == []


def test_a_period_still_running_is_judged_up_to_today(standards: MonitoringStandards) -> None:
    lic = licence(status_history=suspended_from(date(2022, 5, 1)))
    # 2022 annual report filed early, judged on 1 June: 1 May - 1 June (32 of 152 days)
    (finding,) = production_while_inactive(report(year=2022), lic, standards, TODAY)
    assert finding.severity == "warning"
    assert finding.details["licensed_days"] == 152
    assert finding.details["inactive_days"] == 32
