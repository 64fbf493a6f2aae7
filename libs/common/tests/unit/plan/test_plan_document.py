"""The plan document every service reads: the bundled Pingquan plan validates; broken
variants name their path. (What only zoning checks, the region's CRSs, is tested in
``services/zoning/tests/unit/test_plan_crs.py``.)"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import yaml

from lode_common.plan.data import (
    NATIONAL_STANDARDS,
    PINGQUAN_PLAN,
    PINGQUAN_PLAN_ID,
    bundled_documents,
    bundled_raw_document,
    bundled_text,
)
from lode_common.plan.document import (
    PlanDocument,
    load_plan_document,
    plan_warnings,
    with_standards,
)
from lode_common.plan.issues import PlanDocumentInvalid
from lode_common.testing.plan_cases import (
    FORMERLY_OPEN_SECTIONS,
    FORMERLY_UNDECLARED_NUMBERS,
    UNKNOWN_KEY,
    with_unknown_key,
    with_value,
)

from .builders import changed, plan_document, removed


def issues(document: object) -> list[tuple[str, str]]:
    with pytest.raises(PlanDocumentInvalid) as caught:
        load_plan_document(document)
    return [(i.path, i.message) for i in caught.value.issues]


def test_the_bundled_pingquan_plan_validates() -> None:
    doc = bundled_documents()
    assert isinstance(doc, PlanDocument)
    assert doc.plan.id == PINGQUAN_PLAN_ID
    assert doc.plan.period == (2021, 2025)
    assert len(doc.entry_rules) == 18
    assert doc.region.crs.projected == "EPSG:4528"
    assert doc.region.approx_extent_lonlat == (
        Decimal("118.35"),
        Decimal("40.7"),
        Decimal("119.25"),
        Decimal("41.4"),
    )
    assert doc.standards.licence_terms.mining_max_years.large == 30
    assert bundled_documents() is doc  # read once


def test_the_bundled_files_are_the_plan_and_the_standards() -> None:
    assert bundled_text(PINGQUAN_PLAN).startswith("# Structured extraction of the Pingquan City")
    assert bundled_text(NATIONAL_STANDARDS).startswith("# National standards that the Pingquan")
    assert "standards" not in yaml.safe_load(bundled_text(PINGQUAN_PLAN))


def test_clauses_sources_and_confidence_are_kept() -> None:
    doc = bundled_documents()
    rule = doc.entry_rule("min_scale_underground_iron")
    assert rule is not None
    assert rule.clause == "第四章第三节"
    assert rule.check is not None
    assert rule.check.capacity_ore_10kt_per_year is not None
    assert rule.check.capacity_ore_10kt_per_year.min == Decimal(10)
    assert rule.check.capacity_ore_10kt_per_year.inclusive is True
    assert rule.note is not None
    assert doc.indicators.clause == "第二章第三节 专栏2"
    assert doc.mineral_policy.mining.clause == "第三章第一节 专栏4"
    assert all(t.clause for t in doc.text_targets)
    assert doc.standards.scale_classes.source.startswith("国土资发〔2004〕208号")
    iron = doc.standards.scale_classes.items[2]
    assert (iron.mineral_zh, iron.method, iron.confidence) == ("铁矿", "underground", "unverified")
    assert doc.standards.three_rates_minimums.sources["金矿"] == "国土资源部公告 2012年第29号"


def test_descriptive_figures_and_notes_are_declared_and_kept() -> None:
    doc = bundled_documents()
    baseline = doc.baseline_2020
    assert baseline is not None
    assert baseline.licensed_mines == 63
    assert baseline.licensed_mines_by_kind is not None
    assert baseline.licensed_mines_by_kind.metal == {
        "total": 30,
        "铁矿": 19,
        "金矿": 8,
        "铜矿": 2,
        "锌矿": 1,
    }
    assert baseline.mines_by_scale is not None
    assert baseline.mines_by_scale.small_and_below == 55
    assert baseline.mining_output_value_cny_100m == Decimal("18.9")
    assert baseline.notes[0].startswith("Text says restoration rate")
    assert doc.region.area_km2 == 3297
    assert doc.region.population == 470000
    assert doc.region.neighbours_zh is not None
    assert doc.region.neighbours_zh.east == "辽宁省凌源市"
    assert doc.plan.approving_authority_zh == "承德市自然资源和规划局"
    assert (doc.projects[0].sheets, doc.projects[1].area_ha) == (7, Decimal(150))
    assert doc.projects[1].example_zh == "平泉县齐盛矿业有限公司"
    assert doc.zones.key_development_regions[2].note is not None
    assert doc.previous_plan_results is not None
    assert doc.previous_plan_results.rows[8].note == "8家"


def test_the_published_form_keeps_every_key_and_value_of_the_bundled_files() -> None:
    def plain(value: Any) -> Any:
        return json.loads(json.dumps(value, ensure_ascii=False, default=str))

    raw = plain(bundled_raw_document())
    published = bundled_documents().as_published()
    for section in ("plan", "region", "baseline_2020", "previous_plan_results", "projects"):
        assert published[section] == raw[section], section
    assert published["governance"] == raw["governance"]
    assert published["zones"]["key_development_regions"] == raw["zones"]["key_development_regions"]
    for i, entry in enumerate(raw["standards"]["mineral_catalogue"]):
        assert published["standards"]["mineral_catalogue"][i] == {"aliases_zh": [], **entry}
    for key in ("scale_classes",):
        assert published["standards"][key]["items"] == raw["standards"][key]["items"]


def test_lookups() -> None:
    doc = bundled_documents()
    assert doc.indicator("building_stone_output") is not None
    assert doc.indicator("nope") is None
    assert "key_mining_area" in doc.zone_type_ids()
    standards = doc.standards
    entry = standards.mineral("岩金")
    assert entry is not None
    assert entry.code == "rock_gold"
    assert standards.mineral("building_stone") is standards.mineral("建筑用灰岩")
    assert standards.mineral("稀土") is None
    assert "铁矿" in standards.mineral_names_zh()


def test_the_published_form_round_trips_through_json() -> None:
    doc = bundled_documents()
    published = doc.as_published()
    text = json.dumps(published, ensure_ascii=False)
    again = load_plan_document(json.loads(text))
    assert again.as_published() == published
    assert published["standards"]["licence_terms"]["numbering"]["since"] == "2020-07-10"
    assert published["previous_plan_results"]["rows"][0]["achieved"] == 18.9
    assert published["previous_plan_results"]["rows"][6]["target"] == ">30"
    assert published["indicators"]["items"][0]["target"] == 7


def test_the_plan_without_standards_is_not_a_document() -> None:
    plan = yaml.safe_load(bundled_text(PINGQUAN_PLAN))
    assert issues(plan) == [("standards", "required")]


def test_with_standards_keeps_the_plans_own() -> None:
    plan = {"plan": {"id": "x"}, "standards": {"mine": True}}
    assert with_standards(plan, {"theirs": True})["standards"] == {"mine": True}
    assert with_standards({"plan": {}}, {"theirs": True})["standards"] == {"theirs": True}


def test_the_bundled_data_has_nothing_suspicious_left() -> None:
    """建筑石料用灰岩 (a key development region's mineral) was the last doubt: it is now an
    alias of 建筑石料 in the catalogue, with the reason beside it."""
    assert plan_warnings(bundled_documents()) == []
    assert bundled_documents().standards.mineral("建筑石料用灰岩") is not None


def test_a_key_development_region_of_an_unknown_mineral_is_a_warning() -> None:
    raw = bundled_raw_document()
    raw["zones"]["key_development_regions"][2]["mineral_zh"] = "建筑用玄武岩"
    warnings = {(w.path, w.message.split(":")[0]) for w in plan_warnings(load_plan_document(raw))}
    assert warnings == {
        ("zones.key_development_regions[2].mineral_zh", "unknown mineral(s) 建筑用玄武岩"),
    }


def test_a_note_split_at_its_comma_by_yaml_is_refused_as_a_key_without_a_value() -> None:
    raw = bundled_raw_document()
    peat = yaml.safe_load(
        "{zh: 泥煤, code: peat_moss, group: nonmetal, note: prohibited (专栏3, 专栏4)}"
    )
    raw["standards"]["mineral_catalogue"] = [*raw["standards"]["mineral_catalogue"], peat]
    position = len(raw["standards"]["mineral_catalogue"]) - 1
    found = issues(raw)
    assert len(found) == 1, found
    path, message = found[0]
    assert path == f"standards.mineral_catalogue[{position}]"
    assert message.startswith("专栏4): an unknown key without a value")
    assert "quote the note" in message


RULE_CHECK_KEYS = (
    "capacity_ore_10kt_per_year, processing_t_per_day, scale, green_mine_plan, "
    "development_plan, planned_three_rates, service_years"
)

BROKEN: list[tuple[str, Any, str, str]] = [
    # (path to change, new value, expected issue path, expected message start)
    (
        "entry_rules[0].check.capacity_ore_10kt_per_year.min",
        "ten",
        "entry_rules[0].check.capacity_ore_10kt_per_year.min",
        "expected a number, got 'ten'",
    ),
    (
        "entry_rules[3].check",
        {"capacity_ore_10kt_per_year": {"min": "10"}},
        "entry_rules[3].check.capacity_ore_10kt_per_year.min",
        "expected a number, got '10'",
    ),
    (
        "entry_rules[0].check.capacity_ore_10kt_per_year.min",
        True,
        "entry_rules[0].check.capacity_ore_10kt_per_year.min",
        "expected a number, got True",
    ),
    (
        "entry_rules[0].check.capacity_ore_10kt_per_year.inclusive",
        "yes",
        "entry_rules[0].check.capacity_ore_10kt_per_year.inclusive",
        "expected true or false",
    ),
    (
        "entry_rules[0].check.capacity_ore_10kt_per_yr",
        {"min": 10},
        "entry_rules[0].check.capacity_ore_10kt_per_yr",
        f"unknown key (a typo?); allowed here: {RULE_CHECK_KEYS}",
    ),
    ("entry_rules[0].check", {}, "entry_rules[0].check", "expected at least one check"),
    (
        "entry_rules[0].check.capacity_ore_10kt_per_year",
        {"inclusive": False},
        "entry_rules[0].check.capacity_ore_10kt_per_year",
        "expected min or max",
    ),
    (
        "entry_rules[3].check.scale",
        "huge",
        "entry_rules[3].check.scale",
        "expected 'large', 'medium' or 'small', got 'huge'",
    ),
    ("entry_rules[0].effect", "deny", "entry_rules[0].effect", "expected 'reject', 'review'"),
    (
        "entry_rules[0].applies_to.right",
        "water",
        "entry_rules[0].applies_to.right",
        "expected 'mining' or",
    ),
    (
        "entry_rules[0].applies_to.method",
        "dredging",
        "entry_rules[0].applies_to.method",
        "expected",
    ),
    (
        "entry_rules[3].applies_to.zone_typ",
        "key_mining_area",
        "entry_rules[3].applies_to.zone_typ",
        "unknown key (a typo?); allowed here: right, kind",
    ),
    (
        "entry_rules[1].id",
        "min_scale_underground_iron",
        "entry_rules[1].id",
        "duplicate id 'min_scale_underground_iron' (also entry_rules[0])",
    ),
    ("entry_rules[1].id", "Min Scale", "entry_rules[1].id", "'Min Scale' does not match"),
    (
        "entry_rules[3].applies_to.zone_type",
        "key_minig_area",
        "entry_rules[3].applies_to.zone_type",
        "unknown zone type key_minig_area; declared: energy_resource_base",
    ),
    (
        "entry_rules[8].applies_to.zone_type",
        ["ecological_red_line", "nature_reserve"],
        "entry_rules[8].applies_to.zone_type",
        "unknown zone type nature_reserve;",
    ),
    (
        "entry_rules[0].applies_to.mineral_zh",
        "铁",
        "entry_rules[0].applies_to.mineral_zh",
        "unknown mineral(s) 铁: not in standards.mineral_catalogue",
    ),
    (
        "entry_rules[11].indicators",
        ["iron_concentrate_output", "limestone_output"],
        "entry_rules[11].indicators",
        "unknown indicator limestone_output; declared: geochem_survey_sheets",
    ),
    (
        "entry_rules[12].target",
        "total_mine_cap",
        "entry_rules[12].target",
        "unknown text target total_mine_cap",
    ),
    ("entry_rules[11].indicators", [], "entry_rules[11]", "warn_when_exceeded needs indicators"),
    (
        "indicators.items[1].id",
        "geochem_survey_sheets",
        "indicators.items[1].id",
        "duplicate id 'geochem_survey_sheets' (also indicators.items[0])",
    ),
    (
        "indicators.items[0].target",
        "7幅",
        "indicators.items[0].target",
        "expected a number, got '7幅'",
    ),
    (
        "indicators.items[0].nature_zh",
        "指导性",
        "indicators.items[0].nature_zh",
        "expected '预期性' or '约束性'",
    ),
    (
        "indicators.items[0].cumulative",
        "yes",
        "indicators.items[0].cumulative",
        "expected true or false",
    ),
    (
        "indicators.items[5].fed_by",
        "restoration",
        "indicators.items[5].fed_by",
        "unknown text target or project restoration",
    ),
    (
        "zones.types[1].id",
        "energy_resource_base",
        "zones.types[1].id",
        "duplicate id 'energy_resource_base' (also zones.types[0])",
    ),
    ("zones.types", [], "zones.types", "List should have at least 1 item"),
    (
        "zones.types[4].count",
        -3,
        "zones.types[4].count",
        "Input should be greater than or equal to 0",
    ),
    (
        "text_targets[1].id",
        "total_mines_cap",
        "text_targets[1].id",
        "duplicate id 'total_mines_cap' (also text_targets[0])",
    ),
    ("text_targets[0].limit", {}, "text_targets[0].limit", "expected at least one of max, min"),
    (
        "text_targets[2].limit.min_pct",
        120,
        "text_targets[2].limit.min_pct",
        "expected a percentage from 0 to 100, got 120",
    ),
    ("projects[1].id", "geochem_survey", "projects[1].id", "duplicate id 'geochem_survey'"),
    ("governance[0].clause", "", "governance[0].clause", "String should have at least 1 character"),
    (
        "previous_plan_results.rows[6].target",
        "about 30",
        "previous_plan_results.rows[6].target",
        "expected a number or a comparison like '>=95'",
    ),
    (
        "mineral_policy.mining.priority_zh",
        ["铁矿", "稀土", "锂矿"],
        "mineral_policy.mining.priority_zh",
        "unknown mineral(s) 稀土, 锂矿: not in standards.mineral_catalogue",
    ),
    (
        "mineral_policy.exploration.prohibited_zh",
        ["铁矿"],
        "mineral_policy.exploration",
        "铁矿 is in both priority_zh and prohibited_zh",
    ),
    (
        "mineral_policy.mining.restricted_effect",
        "x",
        "mineral_policy.mining.restricted_effect",
        "unknown key (a typo?)",
    ),
    ("region.adcode", 130881, "region.adcode", "expected text, got 130881"),
    ("region.adcode", "13088", "region.adcode", "'13088' does not match"),
    (
        "region.approx_extent_lonlat",
        [119.25, 40.7, 118.35, 41.4],
        "region.approx_extent_lonlat",
        "expected [min_lon, min_lat, max_lon, max_lat] inside China",
    ),
    (
        "region.approx_extent_lonlat",
        [118.35, 40.7, 119.25],
        "region.approx_extent_lonlat[3]",
        "required",
    ),
    ("plan.period", [2025, 2021], "plan", "expected base_year < period start"),
    ("plan.outlook_year", 2024, "plan", "expected outlook_year >= target_year"),
    ("plan.id", "Pingquan 2021", "plan.id", "'Pingquan 2021' does not match"),
    ("plan.base_year", "2020年", "plan.base_year", "expected a whole number, got '2020年'"),
    (
        "entry_rule",
        [],
        "entry_rule",
        "unknown key (a typo?); allowed here: plan, region, baseline_2020",
    ),
    (
        "standards.mineral_catalogue[1].code",
        "iron",
        "standards.mineral_catalogue[1].code",
        "duplicate code 'iron' (also [0])",
    ),
    (
        "standards.mineral_catalogue[4].aliases_zh",
        ["岩金"],
        "standards.mineral_catalogue[4]",
        "name '岩金' already used by [2]",
    ),
    (
        "standards.mineral_catalogue[1].treat_as_zh",
        "磁铁矿",
        "standards.mineral_catalogue[1].treat_as_zh",
        "'磁铁矿' is not a catalogue mineral",
    ),
    (
        "standards.mineral_catalogue[0].group",
        "metals",
        "standards.mineral_catalogue[0].group",
        "expected 'metal', 'energy', 'nonmetal', 'building_stone' or 'water'",
    ),
    (
        "standards.scale_classes.items[0].large_min",
        10,
        "standards.scale_classes.items[0]",
        "expected 0 < medium_min < large_min",
    ),
    (
        "standards.scale_classes.items[1].method",
        "underground",
        "standards.scale_classes.items[1]",
        "煤 / underground already classed in [0]",
    ),
    (
        "standards.scale_classes.items[0].mineral_zh",
        "褐煤",
        "standards.scale_classes.items[0].mineral_zh",
        "unknown mineral(s) 褐煤",
    ),
    (
        "standards.three_rates_minimums.items[0].mining_recovery_min",
        105,
        "standards.three_rates_minimums.items[0].mining_recovery_min",
        "expected a percentage from 0 to 100",
    ),
    (
        "standards.three_rates_minimums.items[0].confidence",
        "sure",
        "standards.three_rates_minimums.items[0].confidence",
        "expected 'verified', 'found' or 'unverified'",
    ),
    (
        "standards.three_rates_minimums.items[1].scale",
        ["medium", "tiny"],
        "standards.three_rates_minimums.items[1].scale[1]",
        "expected 'large', 'medium' or 'small'",
    ),
    (
        "standards.three_rates_minimums.sources",
        {"稀土": "x"},
        "standards.three_rates_minimums.sources",
        "unknown mineral(s) 稀土",
    ),
    (
        "standards.licence_terms.numbering.pattern",
        "^[CT",
        "standards.licence_terms.numbering.pattern",
        "not a regular expression",
    ),
    (
        "standards.licence_terms.numbering.since",
        "2020-13-40",
        "standards.licence_terms.numbering.since",
        "expected a date (YYYY-MM-DD), got '2020-13-40'",
    ),
    (
        "standards.min_service_years_by_scale.large",
        0,
        "standards.min_service_years_by_scale.large",
        "Input should be greater than 0",
    ),
    (
        "standards.licence_terms.mining_max_years",
        [30, 20, 10],
        "standards.licence_terms.mining_max_years",
        "expected a mapping (key: value)",
    ),
]


@pytest.mark.parametrize(("change", "value", "path", "message"), BROKEN)
def test_a_broken_document_names_the_path(change: str, value: Any, path: str, message: str) -> None:
    found = issues(changed(change, value))
    assert any(p == path and m.startswith(message) for p, m in found), found


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("entry_rules[0].clause", ("entry_rules[0].clause", "required")),
        ("entry_rules[7].effect", ("entry_rules[7]", "expected a check, an effect or both")),
        (
            "standards.three_rates_minimums.items[0].mining_recovery_min",
            (
                "standards.three_rates_minimums.items[0]",
                "expected at least one of mining_recovery_min",
            ),
        ),
        ("standards", ("standards", "required")),
        ("region.crs", ("region.crs", "required")),
        ("indicators", ("indicators", "required")),
    ],
)
def test_a_missing_key_names_the_path(path: str, expected: tuple[str, str]) -> None:
    found = issues(removed(path))
    assert any(p == expected[0] and m.startswith(expected[1]) for p, m in found), found


@pytest.mark.parametrize("document", [None, [], "plan: x", 42])
def test_a_document_that_is_not_a_mapping(document: object) -> None:
    assert issues(document) == [
        ("(document)", f"expected a mapping (key: value), got {document!r}")
    ]


def test_every_fault_is_reported_at_once() -> None:
    doc = changed("entry_rules[0].check.capacity_ore_10kt_per_year.min", "ten")
    doc = changed("region.adcode", 130881, doc)
    doc = changed("zones.types[0].name_zh", 5, doc)
    assert {p for p, _ in issues(doc)} == {
        "entry_rules[0].check.capacity_ore_10kt_per_year.min",
        "region.adcode",
        "zones.types[0].name_zh",
    }


def test_cross_reference_faults_are_all_reported() -> None:
    doc = changed("entry_rules[1].id", "min_scale_underground_iron")
    doc = changed("mineral_policy.exploration.priority_zh", ["铁矿", "稀土"], doc)
    doc = changed("standards.mineral_catalogue[1].code", "iron", doc)
    assert [p for p, _ in issues(doc)] == [
        "entry_rules[1].id",
        "mineral_policy.exploration.priority_zh",
        "standards.mineral_catalogue[1].code",
    ]


def test_the_error_carries_field_errors_for_the_api() -> None:
    with pytest.raises(PlanDocumentInvalid) as caught:
        load_plan_document(changed("region.adcode", 130881))
    assert caught.value.field_errors() == [
        {"field": "region.adcode", "message": "expected text, got 130881"}
    ]
    assert "region.adcode" in caught.value.detail


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("previous_plan_results.rows[0].note", "x"),
        ("region.neighbours_zh", {"northeast": "内蒙古赤峰市", "south": "宽城县"}),
        ("baseline_2020.mines_by_scale", {"large": 1, "medium": 8, "small": 54}),
        ("baseline_2020.licensed_mines_by_kind.energy", {"total": 1, "煤": 1}),
        ("projects[1].area_ha", 150.5),
        ("standards.mineral_catalogue[0].note", "magnetite mostly"),
        ("entry_rules[0].applies_to.mineral_zh", ["铁矿", "超贫磁铁矿"]),  # alias via catalogue
        ("entry_rules[4].applies_to.zone_type", "sand_gravel_area"),
        ("mineral_policy.mining.priority_zh", ["建筑用灰岩", "岩金", "砂石土类"]),  # aliases
        ("entry_rules[0].check.capacity_ore_10kt_per_year.min", 10.5),
        ("text_targets[2].limit.min_pct", 99.5),
        ("previous_plan_results.rows[6].target", "≥30"),
        ("standards.three_rates_minimums.items[0].confidence", "verified"),
        (
            "standards.min_service_years_by_scale",
            {"large": 30, "medium": 20, "small": 10, "confidence": "unverified"},
        ),
    ],
)
def test_acceptable_variants(change: str, value: Any) -> None:
    assert isinstance(load_plan_document(changed(change, value)), PlanDocument)


def test_numbers_are_exact() -> None:
    doc = load_plan_document(changed("entry_rules[0].check.capacity_ore_10kt_per_year.min", 14.2))
    rule = doc.entry_rules[0]
    assert rule.check is not None
    bound = rule.check.capacity_ore_10kt_per_year
    assert bound is not None
    assert bound.min is not None
    assert bound.min + Decimal("0.1") == Decimal("14.3")


def test_the_builder_copies() -> None:
    first = plan_document()
    first["plan"]["id"] = "changed"
    assert plan_document()["plan"]["id"] == PINGQUAN_PLAN_ID


# --- issue 12, item 1: every section strict, every figure a number --------------------------
@pytest.mark.parametrize("section", FORMERLY_OPEN_SECTIONS)
def test_an_unknown_key_is_refused_in_every_section(section: str) -> None:
    found = issues(with_unknown_key(plan_document(), section))
    assert [p for p, _ in found] == [f"{section}.{UNKNOWN_KEY}"], found


@pytest.mark.parametrize("section", [s for s in FORMERLY_OPEN_SECTIONS if "_by_" not in s])
def test_an_unknown_key_lists_the_keys_allowed_there(section: str) -> None:
    [(_, message)] = issues(with_unknown_key(plan_document(), section))
    assert message.startswith("unknown key (a typo?); allowed here: "), message


@pytest.mark.parametrize("path", FORMERLY_UNDECLARED_NUMBERS)
@pytest.mark.parametrize("value", ["12", True, "yes"])
def test_a_figure_must_be_a_number(path: str, value: Any) -> None:
    found = issues(with_value(plan_document(), path, value))
    assert [p for p, _ in found] == [path], found


@pytest.mark.parametrize(
    "path", [p for p in FORMERLY_UNDECLARED_NUMBERS if not p.startswith("previous_plan_results")]
)
def test_a_figure_cannot_be_negative(path: str) -> None:
    found = issues(with_value(plan_document(), path, -1))
    assert [p for p, _ in found] == [path], found


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("region.population", 1.5, "expected a whole number, got 1.5"),
        ("region.area_km2", "3297", "expected a number, got '3297'"),
        ("previous_plan_results.rows[0].target", "20", "expected a number or a comparison"),
        ("previous_plan_results.rows[0].target", True, "expected a number, got True"),
        ("baseline_2020.geochem_1to50k_coverage_pct_below", 101, "expected a percentage"),
        ("projects[0].sheets", 100_000, "Input should be less than or equal to 1000"),
        ("plan.base_year", 1800, "Input should be greater than or equal to 1949"),
        ("region.neighbours_zh.east", "辽宁省\u202e凌源市", "must not contain a bidirectional"),
        ("baseline_2020.notes", ["x\x00y"], "must not contain a control character"),
        ("projects[1].example_zh", "平泉县\n齐盛", "must not contain a control character"),
        ("zones.key_development_regions[2].note", "", "String should have at least 1"),
        ("standards.scale_classes.items[4].note", "n" * 2001, "at most 2000 characters"),
    ],
)
def test_a_declared_field_names_what_is_wrong(path: str, value: Any, message: str) -> None:
    found = issues(with_value(plan_document(), path, value))
    assert any(p.startswith(path.split("[")[0]) and m.startswith(message) for p, m in found), found


def test_a_mineral_key_of_the_mines_by_kind_is_bounded() -> None:
    metal = {"total": 1, "铁" * 61: 1}
    found = issues(with_value(plan_document(), "baseline_2020.licensed_mines_by_kind.metal", metal))
    assert len(found) == 1, found
    path, message = found[0]
    assert path.startswith("baseline_2020.licensed_mines_by_kind.metal.铁")
    assert message == "at most 60 characters, got 61"
