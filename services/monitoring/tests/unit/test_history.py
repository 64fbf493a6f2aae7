"""A licence's stored reports as the rules read them (handlers/reports.history_of)."""

from __future__ import annotations

from decimal import Decimal

from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.handlers.reports import history_of

from .builders import TODAY, report_body


def test_a_body_stored_before_todays_bounds_is_left_out_not_fatal(
    standards: MonitoringStandards,
) -> None:
    legacy = report_body(year=2021, ore_mined_10kt="52.0")  # numbers as text were read once
    current = report_body(year=2022, period="Q1", restored_area_ha=2.5)
    history = history_of([legacy, current], standards, TODAY)
    assert [(r.year, r.restored_area_ha) for r in history] == [(2022, Decimal("2.5"))]
