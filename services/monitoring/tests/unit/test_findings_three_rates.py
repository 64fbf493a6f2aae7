"""three_rates_below_standard: 三率 against the national minimums."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lode_monitoring.domain.capacity import Capacity
from lode_monitoring.domain.findings import evaluate, three_rates_below_standard
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import TODAY, licence, report


def _rate_findings(standards: MonitoringStandards, **kw: object) -> list[str]:
    lic_kw = {k[8:]: v for k, v in kw.items() if k.startswith("licence_")}
    rep_kw = {k: v for k, v in kw.items() if not k.startswith("licence_")}
    lic = licence(**lic_kw)
    mineral = standards.catalogue.lookup(lic.mineral)
    assert mineral is not None
    found = three_rates_below_standard(report(**rep_kw), lic, mineral, standards)
    return [f.subject or "" for f in found]


@pytest.mark.parametrize(
    ("value", "below"),
    [("74.99", True), ("75", False), ("75.00", False), ("75.01", False), ("0", True)],
)
def test_underground_iron_mining_recovery_at_75(
    standards: MonitoringStandards, value: str, below: bool
) -> None:
    subjects = _rate_findings(standards, mining_recovery_pct=value)
    assert ("mining_recovery" in subjects) is below


def test_the_finding_names_the_standard_and_is_a_violation(
    standards: MonitoringStandards,
) -> None:
    lic = licence()
    (finding,) = [
        f
        for f in evaluate(report(mining_recovery_pct="74.99"), lic, standards, TODAY)
        if f.code == "three_rates_below_standard"
    ]
    assert finding.severity == "violation"
    assert finding.subject == "mining_recovery"
    assert finding.key == "three_rates_below_standard:C1308812021017120000001:2021:mining_recovery"
    assert "国土资源部公告 2013年第21号" in finding.standard_or_clause
    assert "第四章第四节" in finding.standard_or_clause
    assert "unverified" not in finding.standard_or_clause
    assert "开采回采率 74.99%" in finding.message_zh
    assert "75%" in finding.message_zh
    assert "74.99%" in finding.message_en
    assert finding.details["minimum_pct"] == Decimal(75)
    assert finding.details["reported_pct"] == Decimal("74.99")


def test_one_finding_per_rate_below(standards: MonitoringStandards) -> None:
    subjects = _rate_findings(standards, mining_recovery_pct=70, processing_recovery_pct=80)
    assert subjects == ["mining_recovery", "processing_recovery"]


def test_processing_recovery_uses_the_default_ore_type_and_says_so(
    standards: MonitoringStandards,
) -> None:
    lic = licence()
    mineral = standards.catalogue.lookup("铁矿")
    assert mineral is not None
    (finding,) = three_rates_below_standard(
        report(processing_recovery_pct="89.99"), lic, mineral, standards
    )
    assert finding.details["ore_type"] == "magnetite"
    assert finding.details["ore_type_defaulted"] is True
    assert "magnetite is assumed" in finding.message_en
    assert "磁铁矿" in finding.message_zh


def test_a_hematite_mine_is_held_to_70(standards: MonitoringStandards) -> None:
    assert _rate_findings(standards, licence_ore_type="hematite", processing_recovery_pct=71) == []
    assert _rate_findings(standards, licence_ore_type="hematite", processing_recovery_pct=69) == [
        "processing_recovery"
    ]


def test_unverified_minimum_is_said_and_only_a_warning(standards: MonitoringStandards) -> None:
    lic = licence(mineral="萤石", capacity=Capacity(Decimal(3), "万吨/年"), scale="small")
    (finding,) = [
        f
        for f in evaluate(report(mining_recovery_pct="74.9"), lic, standards, TODAY)
        if f.code == "three_rates_below_standard"
    ]
    assert finding.severity == "warning"
    assert "confidence: unverified" in finding.standard_or_clause
    assert "萤石行业准入标准" in finding.standard_or_clause
    assert "unverified" in finding.message_en
    assert "未核实" in finding.message_zh
    assert finding.details["confidence"] == "unverified"


def test_verified_minimum_message_does_not_claim_unverified(
    standards: MonitoringStandards,
) -> None:
    lic = licence()
    (finding,) = [
        f
        for f in evaluate(report(mining_recovery_pct=60), lic, standards, TODAY)
        if f.code == "three_rates_below_standard"
    ]
    assert "unverified" not in finding.message_en
    assert "未核实" not in finding.message_zh


def test_ultra_low_grade_magnetite_is_held_to_iron(standards: MonitoringStandards) -> None:
    assert _rate_findings(standards, licence_mineral="超贫磁铁矿", mining_recovery_pct=74) == [
        "mining_recovery"
    ]


def test_a_mineral_without_minimums_gets_no_finding(standards: MonitoringStandards) -> None:
    assert _rate_findings(standards, licence_mineral="钼矿", mining_recovery_pct=1) == []


def test_a_rate_not_reported_is_not_judged(standards: MonitoringStandards) -> None:
    assert _rate_findings(standards, mining_recovery_pct=None, processing_recovery_pct=None) == []


@pytest.mark.parametrize(("scale", "value", "below"), [("large", 94, True), ("medium", 94, False)])
def test_open_pit_iron_by_the_licence_scale(
    standards: MonitoringStandards, scale: str, value: int, below: bool
) -> None:
    subjects = _rate_findings(
        standards, licence_mining_method="open_pit", licence_scale=scale, mining_recovery_pct=value
    )
    assert (subjects == ["mining_recovery"]) is below


def test_scale_is_classified_from_capacity_when_the_licence_has_none(
    standards: MonitoringStandards,
) -> None:
    # open-pit iron: large from 200 万吨/年 on; 94 is below large's 95, not medium's 90
    kw = {"licence_mining_method": "open_pit", "licence_scale": None, "mining_recovery_pct": 94}
    big = Capacity(Decimal(200), "万吨/年")
    small = Capacity(Decimal("199.99"), "万吨/年")
    assert _rate_findings(standards, licence_capacity=big, **kw) == ["mining_recovery"]
    assert _rate_findings(standards, licence_capacity=small, **kw) == []


def test_unknown_scale_is_judged_against_the_lowest_and_says_so(
    standards: MonitoringStandards,
) -> None:
    lic = licence(mining_method="open_pit", scale=None, capacity=None)
    mineral = standards.catalogue.lookup("铁矿")
    assert mineral is not None
    assert three_rates_below_standard(report(mining_recovery_pct=94), lic, mineral, standards) == []
    (finding,) = three_rates_below_standard(
        report(mining_recovery_pct="89.9"), lic, mineral, standards
    )
    assert finding.details["unknown_inputs"] == ["scale"]
    assert "lowest minimum" in finding.message_en
