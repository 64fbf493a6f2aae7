"""Monitoring's reading of the typed plan document (standards.py), and the faults of a
document the shared reader (lode_common.plan) refuses before monitoring sees it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_common.plan.document import load_plan_document
from lode_common.plan.issues import PlanDocumentInvalid
from lode_monitoring.domain.errors import StandardsDocumentInvalid
from lode_monitoring.domain.standards import MonitoringStandards, standard_zh

from .builders import standards_of


def test_the_real_document_reads(standards: MonitoringStandards) -> None:
    assert standards.plan_id == "pingquan-2021-2025"
    assert standards.plan_period == (2021, 2025)
    assert standards.scale_classes.working_days_per_year == 330
    assert standards.numbering_pattern.pattern == "^[CT][0-9]{22}$"
    assert standards.document.standards.licence_terms.mining_max_years.medium == 20


def test_catalogue_keeps_density_exact_and_resolves_aliases(
    standards: MonitoringStandards,
) -> None:
    stone = standards.catalogue.lookup("建筑用灰岩")
    assert stone is not None
    assert stone.zh == "建筑石料"
    assert stone.density_t_per_m3 == Decimal("2.7")
    assert (
        str(stone.density_t_per_m3) == "2.7"
    )  # not 2.70000000000000017763568394002504646778106689453125
    assert stone.capacity_unit_zh == "万立方米/年"
    assert standards.catalogue.lookup("PLACER_GOLD") is not None
    assert standards.catalogue.lookup("岩金").zh == "金矿"  # type: ignore[union-attr]
    assert standards.catalogue.lookup("unobtainium") is None


def test_treat_as_gives_the_standard_name(standards: MonitoringStandards) -> None:
    ultra = standards.catalogue.lookup("超贫磁铁矿")
    assert ultra is not None
    assert standard_zh(ultra) == "铁矿"
    assert standard_zh(standards.catalogue.lookup("铁矿")) == "铁矿"  # type: ignore[arg-type]


def test_three_rate_minimums_carry_source_and_confidence(standards: MonitoringStandards) -> None:
    table = standards.three_rates
    iron = [i for i in table.items if i.mineral_zh == "铁矿" and i.method == "underground"]
    assert [(i.rate, i.minimum_pct, i.confidence) for i in iron] == [
        ("mining_recovery", Decimal(75), "found")
    ]
    assert iron[0].source == "国土资源部公告 2013年第21号"
    fluorite = [i for i in table.items if i.mineral_zh == "萤石"]
    assert fluorite
    assert all(i.unverified for i in fluorite)
    assert table.default_ore_type == {"铁矿": "magnetite"}
    open_pit_large = next(i for i in table.items if i.scales == frozenset({"large"}))
    assert open_pit_large.minimum_pct == Decimal(95)


def test_prohibited_mining_minerals_of_box_4(standards: MonitoringStandards) -> None:
    policy = standards.prohibited_mining
    assert policy.minerals_zh == frozenset({"砖瓦用粘土", "砂金", "泥炭"})
    assert policy.clause == "第三章第一节 专栏4"
    assert policy.effect_zh is not None
    assert "已有采矿权依法有序逐步退出" in policy.effect_zh


def test_projects_and_what_their_progress_counts(standards: MonitoringStandards) -> None:
    survey = standards.project("geochem_survey")
    restoration = standards.project("abandoned_mine_restoration")
    assert survey is not None
    assert restoration is not None
    assert (survey.measure, survey.target) == ("sheets", Decimal(7))
    assert (restoration.measure, restoration.target) == ("area", Decimal(150))
    assert standards.project("moon_base") is None


def test_clauses_cited_by_findings(standards: MonitoringStandards) -> None:
    assert standards.clauses.restoration == "第五章第三节"
    assert standards.clauses.enforcement == "第六章 三"
    assert standards.clauses.three_rates is not None
    assert "第四章第四节" in standards.clauses.three_rates


def test_clauses_and_projects_are_optional(document: dict[str, Any]) -> None:
    del document["governance"]
    del document["projects"]
    loaded = standards_of(document)
    assert loaded.clauses.restoration is None
    assert loaded.projects == ()


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("standards"), "standards"),
        (lambda d: d["standards"].pop("mineral_catalogue"), "standards.mineral_catalogue"),
        (
            lambda d: d["standards"]["three_rates_minimums"]["items"][2].update(
                mining_recovery_min="high"
            ),
            "standards.three_rates_minimums.items[2].mining_recovery_min",
        ),
        (
            lambda d: d["standards"]["three_rates_minimums"]["items"][0].update(
                mining_recovery_min=120
            ),
            "standards.three_rates_minimums.items[0].mining_recovery_min",
        ),
        (
            lambda d: d["standards"]["licence_terms"]["numbering"].pop("pattern"),
            "standards.licence_terms.numbering.pattern",
        ),
        (lambda d: d["mineral_policy"].pop("mining"), "mineral_policy.mining"),
        (
            lambda d: d["mineral_policy"]["mining"]["prohibited_zh"].append("月球岩"),
            "mineral_policy.mining.prohibited_zh",
        ),
        (
            lambda d: d["standards"]["mineral_catalogue"][16].update(density_t_per_m3=0),
            "standards.mineral_catalogue[16].density_t_per_m3",
        ),
        (
            lambda d: d["standards"]["scale_classes"]["items"][0].update(mineral_zh="月球岩"),
            "standards.scale_classes.items[0].mineral_zh",
        ),
        (lambda d: d["plan"].update(period=[2025, 2021]), "plan"),
    ],
)
def test_a_missing_or_bad_part_names_its_path(
    document: dict[str, Any], mutate: Any, path: str
) -> None:
    mutate(document)
    with pytest.raises(PlanDocumentInvalid) as caught:
        load_plan_document(document)
    assert caught.value.issues[0].path == path
    assert path in str(caught.value)


def test_working_days_are_required_by_monitoring(document: dict[str, Any]) -> None:
    """Optional in the shared standards; monitoring compares t/d capacities over a year."""
    document["standards"]["scale_classes"].pop("working_days_per_year")
    with pytest.raises(StandardsDocumentInvalid) as caught:
        MonitoringStandards.of(load_plan_document(document))
    assert caught.value.path == "standards.scale_classes.working_days_per_year"
    assert caught.value.path in str(caught.value)


def test_a_bureau_correction_is_read_without_a_code_change(document: dict[str, Any]) -> None:
    document["standards"]["mineral_catalogue"][16]["density_t_per_m3"] = 2.65
    document["standards"]["scale_classes"]["working_days_per_year"] = 300
    loaded = standards_of(document)
    assert loaded.catalogue.lookup("建筑石料").density_t_per_m3 == Decimal("2.65")  # type: ignore[union-attr]
    assert loaded.scale_classes.working_days_per_year == 300


def test_the_raw_yaml_form_reads_the_same(standards: MonitoringStandards) -> None:
    from lode_common.plan.data import bundled_raw_document

    # scale: large (text, not a list) etc.
    raw = MonitoringStandards.of(load_plan_document(bundled_raw_document()))
    assert raw.three_rates == standards.three_rates
    assert raw.catalogue == standards.catalogue
    assert raw.prohibited_mining == standards.prohibited_mining
