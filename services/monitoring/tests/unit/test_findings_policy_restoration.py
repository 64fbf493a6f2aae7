"""prohibited_mineral_mined (专栏4), restoration_behind_plan (第五章第三节), evaluate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lode_monitoring.domain.capacity import Capacity
from lode_monitoring.domain.findings import (
    cumulative_areas,
    evaluate,
    prohibited_mineral_mined,
    restoration_behind_plan,
)
from lode_monitoring.domain.licence import RestorationMilestone, RestorationPlan
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import MINING_NO, OTHER_MINING_NO, TODAY, licence, report


@pytest.mark.parametrize("mineral", ["砖瓦用粘土", "砂金", "placer_gold", "泥炭"])
def test_a_prohibited_mineral_still_mined(standards: MonitoringStandards, mineral: str) -> None:
    entry = standards.catalogue.lookup(mineral)
    assert entry is not None
    (finding,) = prohibited_mineral_mined(report(), entry, standards)
    assert finding.code == "prohibited_mineral_mined"
    assert finding.severity == "warning"
    assert "第三章第一节 专栏4" in finding.standard_or_clause
    assert "已有采矿权依法有序逐步退出" in finding.standard_or_clause


def test_a_prohibited_mineral_not_produced_is_no_finding(standards: MonitoringStandards) -> None:
    entry = standards.catalogue.lookup("泥炭")
    assert entry is not None
    assert prohibited_mineral_mined(report(ore_mined_10kt=0, products=()), entry, standards) == []


@pytest.mark.parametrize("mineral", ["铁矿", "超贫磁铁矿", "金矿"])
def test_other_minerals_are_not_prohibited(standards: MonitoringStandards, mineral: str) -> None:
    entry = standards.catalogue.lookup(mineral)
    assert entry is not None
    assert prohibited_mineral_mined(report(), entry, standards) == []


# --- restoration ------------------------------------------------------------------------------


def _plan(*milestones: RestorationMilestone) -> RestorationPlan:
    return RestorationPlan(milestones)


def _history() -> list:  # type: ignore[type-arg]
    return [
        report(year=2021, disturbed_area_ha=4, restored_area_ha=1),
        report(year=2022, disturbed_area_ha=2, restored_area_ha=2),
    ]


@pytest.mark.parametrize(("expected_ha", "behind"), [("2.99", False), ("3", False), ("3.01", True)])
def test_cumulative_hectares_against_the_plan(
    standards: MonitoringStandards, expected_ha: str, behind: bool
) -> None:
    lic = licence(restoration_plan=_plan(RestorationMilestone(2022, Decimal(expected_ha))))
    found = restoration_behind_plan(_history()[1], lic, standards, _history())
    assert [f.code for f in found] == (["restoration_behind_plan"] if behind else [])


def test_restoration_finding_cites_chapter_5_section_3(standards: MonitoringStandards) -> None:
    lic = licence(restoration_plan=_plan(RestorationMilestone(2022, Decimal(5))))
    (finding,) = restoration_behind_plan(_history()[1], lic, standards, _history())
    assert finding.severity == "warning"
    assert "第五章第三节" in finding.standard_or_clause
    assert finding.details["cumulative_restored_ha"] == Decimal(3)
    assert finding.details["cumulative_disturbed_ha"] == Decimal(6)
    assert finding.key == f"restoration_behind_plan:{MINING_NO}:2022"


@pytest.mark.parametrize(("pct", "behind"), [("50", False), ("50.01", True)])
def test_restored_share_of_disturbed_against_the_plan(
    standards: MonitoringStandards, pct: str, behind: bool
) -> None:
    # 3 of 6 ha restored = 50 %
    lic = licence(restoration_plan=_plan(RestorationMilestone(2022, restored_pct=Decimal(pct))))
    found = restoration_behind_plan(_history()[1], lic, standards, _history())
    assert bool(found) is behind


def test_the_latest_past_milestone_applies(standards: MonitoringStandards) -> None:
    plan = _plan(RestorationMilestone(2021, Decimal(1)), RestorationMilestone(2023, Decimal(10)))
    assert plan.expected_by(2020) is None
    assert plan.expected_by(2022) == RestorationMilestone(2021, Decimal(1))
    lic = licence(restoration_plan=plan)
    assert restoration_behind_plan(_history()[1], lic, standards, _history()) == []


def test_restoration_can_catch_up(standards: MonitoringStandards) -> None:
    lic = licence(restoration_plan=_plan(RestorationMilestone(2022, Decimal(3))))
    history = [
        report(year=2021, disturbed_area_ha=5, restored_area_ha=0),
        report(year=2022, disturbed_area_ha=0, restored_area_ha=3),  # more than disturbed in 2022
    ]
    assert restoration_behind_plan(history[1], lic, standards, history) == []


def test_no_plan_or_a_quarter_is_not_judged(standards: MonitoringStandards) -> None:
    assert restoration_behind_plan(_history()[1], licence(), standards, _history()) == []
    lic = licence(restoration_plan=_plan(RestorationMilestone(2021, Decimal(100))))
    assert restoration_behind_plan(report(period="Q4"), lic, standards, []) == []


def test_a_corrected_report_replaces_the_old_version(standards: MonitoringStandards) -> None:
    lic = licence(restoration_plan=_plan(RestorationMilestone(2021, Decimal(2))))
    old = report(year=2021, restored_area_ha=1)
    corrected = report(year=2021, restored_area_ha=2)
    assert restoration_behind_plan(corrected, lic, standards, [old]) == []
    assert restoration_behind_plan(old, lic, standards, [corrected]) != []


def test_cumulative_areas_take_the_annual_report_over_quarters() -> None:
    reports = [
        report(year=2021, period="Q1", disturbed_area_ha=1, restored_area_ha=1),
        report(year=2021, period="annual", disturbed_area_ha=3, restored_area_ha=2),
        report(year=2022, period="Q1", disturbed_area_ha="0.5", restored_area_ha=0),
        report(year=2022, period="Q2", disturbed_area_ha="0.5", restored_area_ha=None),
        report(year=2023, disturbed_area_ha=9, restored_area_ha=9),  # after the year asked
        report(licence_no=OTHER_MINING_NO, year=2021, disturbed_area_ha=7, restored_area_ha=7),
    ]
    assert cumulative_areas(reports, MINING_NO, 2022) == (Decimal(4), Decimal(2))


# --- evaluate --------------------------------------------------------------------------------


def test_a_clean_report_has_no_findings(standards: MonitoringStandards) -> None:
    assert evaluate(report(), licence(), standards, TODAY) == []


def test_evaluate_runs_every_rule(standards: MonitoringStandards) -> None:
    lic = licence(
        mineral="砂金",
        capacity=Capacity(Decimal(1), "万吨/年"),
        status_history=(),
        valid_to=date(2021, 6, 30),
        restoration_plan=_plan(RestorationMilestone(2021, Decimal(50))),
    )
    found = evaluate(report(ore_mined_10kt=2), lic, standards, TODAY)
    assert {f.code for f in found} == {
        "over_capacity",
        "production_while_inactive",
        "prohibited_mineral_mined",
        "restoration_behind_plan",
    }


def test_an_unknown_mineral_is_said(standards: MonitoringStandards) -> None:
    found = evaluate(report(), licence(mineral="月球岩"), standards, TODAY)
    assert [f.code for f in found] == ["mineral_not_in_catalogue"]
    assert found[0].severity == "info"


def test_a_report_of_another_licence_is_refused(standards: MonitoringStandards) -> None:
    with pytest.raises(ValueError, match="evaluated with licence"):
        evaluate(report(licence_no=OTHER_MINING_NO), licence(), standards, TODAY)
