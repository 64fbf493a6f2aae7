"""Corrections of an output report (更正): the fields changed, a bounded reason (report.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_common.limits import TEXT_MAX
from lode_monitoring.domain.errors import InvalidReport
from lode_monitoring.domain.report import parse_correction
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import TODAY, licence, report_body


def _errors(standards: MonitoringStandards, body: Any) -> dict[str, str]:
    with pytest.raises(InvalidReport) as caught:
        parse_correction(report_body(), body, standards=standards, today=TODAY, licence=licence())
    return {e.field: e.message for e in caught.value.errors}


def test_a_correction_changes_fields_and_keeps_the_rest(standards: MonitoringStandards) -> None:
    reason = "录入错误更正\n开采回采率按复核结果填报"
    correction = parse_correction(
        report_body(),
        {"mining_recovery_pct": 92.5, "reason": reason},
        standards=standards,
        today=TODAY,
        licence=licence(),
    )
    assert correction.report.mining_recovery_pct == Decimal("92.5")
    assert correction.report.ore_mined_10kt == Decimal("52.0")
    assert correction.reason == reason
    assert "reason" not in correction.body
    assert correction.body["mining_recovery_pct"] == 92.5


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"mining_recovery_pct": 80}, "reason", "required"),
        ({"reason": "x"}, "reason", "2 characters"),
        ({"reason": 42}, "reason", "expected text"),
        ({"reason": "笔" * (TEXT_MAX + 1)}, "reason", f"at most {TEXT_MAX} characters"),
        ({"reason": "笔误\x00"}, "reason", "control character"),
        ({"reason": "笔误\u202e"}, "reason", "bidirectional"),
        ({"reason": "笔误", "year": 2022}, "year", "keeps the licence, year and period"),
        ({"reason": "笔误", "year": "2021"}, "year", "keeps the licence, year and period"),
        ({"reason": "笔误", "ore_mined_10kt": "52"}, "ore_mined_10kt", "JSON number"),
        ({"reason": "笔误", "ore_mined_10kt": 1e308}, "ore_mined_10kt", "too large"),
        ({"reason": "笔误", "ore": 1}, "ore", "unknown field"),
        (
            {"reason": "笔误", "products": [{"name": "粉", "output_10kt": 1}] * 51},
            "products",
            "at most 50 products",
        ),
    ],
)
def test_invalid_corrections(
    standards: MonitoringStandards, body: dict[str, Any], field: str, message: str
) -> None:
    assert message in _errors(standards, body)[field]


def test_every_error_of_a_correction_at_once(standards: MonitoringStandards) -> None:
    errors = _errors(standards, {"reason": "\x07", "mining_recovery_pct": 101, "ore": 1})
    assert set(errors) == {"reason", "mining_recovery_pct", "ore"}


def test_a_correction_must_be_an_object(standards: MonitoringStandards) -> None:
    assert _errors(standards, ["reason"]) == {"": "a correction must be a JSON object"}
