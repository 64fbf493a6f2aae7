"""Application validation: every field error, all at once, exact decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.application import parse_application, validate_application
from lode_licensing.domain.errors import InvalidApplication
from lode_licensing.domain.rulebook import PlanRules

from .builders import (
    APPLICANT_CODE,
    EXPLORATION_LICENCE,
    MINING_LICENCE,
    OTHER_CODE,
    exploration_body,
    gold_body,
    mining_body,
)


def errors_of(body: dict[str, Any], rules: PlanRules) -> dict[str, str]:
    return {e.field: e.message for e in validate_application(body, rules)}


def test_the_builders_make_valid_applications(rules: PlanRules) -> None:
    for body in (mining_body(), gold_body(), exploration_body()):
        assert validate_application(body, rules) == []


def test_parsed_quantities_are_exact_decimals(rules: PlanRules) -> None:
    app = parse_application(mining_body(capacity={"value": 14.2, "unit": "万吨/年"}), rules)
    assert app.capacity is not None
    assert app.capacity.value + Decimal("0.1") == Decimal("14.3")
    assert app.development_plan is not None
    assert app.development_plan.concentrate_output_10kt == Decimal("2.5")
    assert app.depth_m is not None
    assert app.depth_m.top_m == Decimal(650)
    assert app.mineral.zh == "铁矿"


def test_aliases_and_codes_resolve(rules: PlanRules) -> None:
    assert parse_application(gold_body(mineral="岩金"), rules).mineral.zh == "金矿"
    assert parse_application(mining_body(mineral="iron"), rules).mineral.zh == "铁矿"


def sets(key: str, value: Any) -> Any:
    def apply(body: dict[str, Any]) -> None:
        body[key] = value

    return apply


def drops(*keys: str) -> Any:
    def apply(body: dict[str, Any]) -> None:
        for key in keys:
            body.pop(key, None)

    return apply


def in_plan(key: str, value: Any) -> Any:
    def apply(body: dict[str, Any]) -> None:
        body["development_plan"][key] = value

    return apply


MINING_CASES = [
    # (change to the valid new iron body, field, words in the message)
    (sets("right_type", "prospecting"), "right_type", "expected one of exploration, mining"),
    (drops("right_type"), "right_type", "required"),
    (sets("kind", "extension"), "kind", "expected one of new, renewal"),
    (drops("applicant"), "applicant", "required"),
    (sets("applicant", {"credit_code": APPLICANT_CODE}), "applicant.name", "required"),
    (sets("applicant", {"name": "某公司"}), "applicant.credit_code", "required"),
    (
        sets("applicant", {"name": "某公司", "credit_code": "91130881MA0A00000"}),
        "applicant.credit_code",
        "must be 18 characters, got 17",
    ),
    (
        sets("applicant", {"name": "某公司", "credit_code": "91130881MA0A000008"}),
        "applicant.credit_code",
        "expected '7'",
    ),
    (
        sets("applicant", {"name": "某公司", "credit_code": "91130881MA0I000007"}),
        "applicant.credit_code",
        "position 12",
    ),
    (sets("mineral", "铁"), "mineral", "close names: 铁矿"),
    (drops("mineral"), "mineral", "required"),
    (
        sets("capacity", {"value": 10, "unit": "万立方米/年"}),
        "capacity.unit",
        "in 万吨/年, not 万立方米/年",
    ),
    (
        sets("capacity", {"value": 10, "unit": "t/d"}),
        "capacity.unit",
        "铁矿 capacity is given in 万吨/年",
    ),
    (sets("capacity", {"value": 10, "unit": "barrels"}), "capacity.unit", "unknown capacity unit"),
    (sets("capacity", {"value": 0, "unit": "万吨/年"}), "capacity.value", "greater than 0"),
    (sets("capacity", {"value": -5, "unit": "万吨/年"}), "capacity.value", "greater than 0"),
    (sets("capacity", {"value": "ten", "unit": "万吨/年"}), "capacity.value", "expected a number"),
    (sets("capacity", {"value": True, "unit": "万吨/年"}), "capacity.value", "expected a number"),
    (sets("capacity", {"unit": "万吨/年"}), "capacity.value", "required"),
    (sets("capacity", 10), "capacity", "expected {value, unit}"),
    (drops("capacity"), "capacity", "required for a new mining application"),
    (drops("mining_method"), "mining_method", "required for a new mining application"),
    (sets("mining_method", "dredging"), "mining_method", "one of open_pit, underground"),
    (sets("mining_method", ["underground"]), "mining_method", "one of open_pit, underground"),
    (sets("depth_m", [420, 650]), "depth_m", "top 420 m is below bottom 650 m"),
    (sets("depth_m", [500, 500]), "depth_m", "no depth range"),
    (sets("depth_m", [650]), "depth_m", "expected [top, bottom]"),
    (sets("depth_m", ["top", 420]), "depth_m", "expected a number"),
    (sets("reserves_10kt", -1), "reserves_10kt", "must not be negative"),
    (in_plan("mining_recovery_pct", -0.01), "development_plan.mining_recovery_pct", "negative"),
    (in_plan("mining_recovery_pct", 100.01), "development_plan.mining_recovery_pct", "0-100"),
    (in_plan("processing_recovery_pct", 101), "development_plan.processing_recovery_pct", "0-100"),
    (
        in_plan("comprehensive_utilization_pct", -3),
        "development_plan.comprehensive_utilization_pct",
        "negative",
    ),
    (
        in_plan("concentrate_output_10kt", -2),
        "development_plan.concentrate_output_10kt",
        "negative",
    ),
    (in_plan("ore_type", "limonite"), "development_plan.ore_type", "hematite, magnetite"),
    (sets("development_plan", "yes"), "development_plan", "expected an object"),
    (sets("green_mine_plan", "yes"), "green_mine_plan", "true or false"),
    (sets("demonstration_report", 1), "demonstration_report", "true or false"),
    (drops("area"), "area", "required for a new application"),
    (sets("area", "somewhere"), "area", "expected {geometry}"),
    (sets("licence_no", MINING_LICENCE), "licence_no", "allocated upstream"),
    # numbers are JSON numbers, booleans true/false: no "12", no "yes", no 1
    (sets("capacity", {"value": "12", "unit": "万吨/年"}), "capacity.value", "JSON number"),
    (sets("reserves_10kt", "1200"), "reserves_10kt", "JSON number"),
    (sets("depth_m", ["650", 420]), "depth_m", "JSON number"),
    (in_plan("mining_recovery_pct", "85"), "development_plan.mining_recovery_pct", "JSON number"),
    (sets("late", "yes"), "late", "true or false"),
    (sets("closure_report", 1), "closure_report", "true or false"),
    # every stored string and number within its bound
    (
        sets("applicant", {"name": "矿" * 301, "credit_code": APPLICANT_CODE}),
        "applicant.name",
        "at most 300 characters",
    ),
    (
        sets("applicant", {"name": "某\u0000公司", "credit_code": APPLICANT_CODE}),
        "applicant.name",
        "control character",
    ),
    (
        sets("applicant", {"name": "某公司\u202egnp.exe", "credit_code": APPLICANT_CODE}),
        "applicant.name",
        "bidirectional",
    ),
    (sets("capacity", {"value": 1e308, "unit": "万吨/年"}), "capacity.value", "at most 1000000"),
    (
        sets("capacity", {"value": 12.00001, "unit": "万吨/年"}),
        "capacity.value",
        "digits after the point",
    ),
    (sets("depth_m", [1e308, 420]), "depth_m", "at most 9000"),
    (sets("depth_m", [650, -20000]), "depth_m", "at least -12000"),
    (sets("reserves_10kt", 10**7), "reserves_10kt", "at most 1000000"),
    (sets("reserves_10kt", 1e-9), "reserves_10kt", "digits after the point"),
    (
        in_plan("concentrate_output_10kt", 1e308),
        "development_plan.concentrate_output_10kt",
        "at most 1000000",
    ),
    (in_plan("mining_recovery_pct", 1e308), "development_plan.mining_recovery_pct", "0-100"),
    (in_plan("ore_type", "m" * 61), "development_plan.ore_type", "at most 60 characters"),
    (in_plan("ore_type", 7), "development_plan.ore_type", "expected text"),
    (sets("mineral", "铁" * 61), "mineral", "at most 60 characters"),
    # unknown fields are refused by name, at every level
    (sets("capacty", 12), "capacty", "unknown field"),
    (
        sets("applicant", {"name": "某公司", "credit_code": APPLICANT_CODE, "x": 1}),
        "applicant.x",
        "unknown field",
    ),
    (
        sets("capacity", {"value": 12, "unit": "万吨/年", "per": "year"}),
        "capacity.per",
        "unknown field",
    ),
    (in_plan("note", "x"), "development_plan.note", "unknown field"),
    (sets("area", {"geometry": {"type": "Point"}, "srid": 4490}), "area.srid", "unknown field"),
    (sets("area", {"crs": "EPSG:4528"}), "area", "expected {geometry}"),
    (sets("area_lonlat", {"type": "Point"}), "area_lonlat", "unknown field"),
]


@pytest.mark.parametrize(("change", "field", "words"), MINING_CASES)
def test_each_field_error(rules: PlanRules, change: Any, field: str, words: str) -> None:
    body = mining_body()
    change(body)
    errors = errors_of(body, rules)
    assert field in errors, errors
    assert words in errors[field]


def test_a_refused_value_is_not_repeated_whole(rules: PlanRules) -> None:
    errors = errors_of(mining_body(mining_method="x" * 100_000, mineral="y" * 100_000), rules)
    assert len(errors["mining_method"]) < 300
    assert len(errors["mineral"]) < 300


def test_changes_are_bounded(rules: PlanRules) -> None:
    body = mining_body(kind="change", licence_no=MINING_LICENCE, changes=["area"] * 10_000)
    assert [e for e in validate_application(body, rules) if e.field == "changes"] != []
    assert len(validate_application(body, rules)) < 5


@pytest.mark.parametrize(
    ("depth", "valid"),
    [([650, 420], True), ([-100, -350], True), ([10, -10], True), ([-10, 10], False)],
)
def test_depths_are_elevations_and_may_be_negative(
    rules: PlanRules, depth: list[int], valid: bool
) -> None:
    assert (validate_application(mining_body(depth_m=depth), rules) == []) is valid


@pytest.mark.parametrize("pct", [0, 100, 0.0, 100.0, 99.9999])
def test_percentages_at_the_bounds_are_valid(rules: PlanRules, pct: Any) -> None:
    body = mining_body()
    body["development_plan"]["mining_recovery_pct"] = pct
    assert validate_application(body, rules) == []


def test_a_new_rock_gold_mine_must_give_t_per_day(rules: PlanRules) -> None:
    body = gold_body(capacity={"value": 10, "unit": "万吨/年"})
    assert "t/d of ore processed" in errors_of(body, rules)["capacity.unit"]


def test_a_rock_gold_renewal_may_give_tonnes_per_year(rules: PlanRules) -> None:
    body = gold_body(
        kind="renewal", licence_no=MINING_LICENCE, capacity={"value": 10, "unit": "万吨/年"}
    )
    assert validate_application(body, rules) == []


@pytest.mark.parametrize(("mineral", "unit"), [("建筑石料", "万吨/年"), ("建筑用灰岩", "t/d")])
def test_building_stone_is_in_cubic_metres(rules: PlanRules, mineral: str, unit: str) -> None:
    body = mining_body(
        mineral=mineral, mining_method="open_pit", capacity={"value": 10, "unit": unit}
    )
    assert "建筑石料 capacity is given in 万立方米/年" in errors_of(body, rules)["capacity.unit"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("capacity", {"value": 5, "unit": "万吨/年"}), ("mining_method", "underground")],
)
def test_exploration_carries_no_capacity_or_method(rules: PlanRules, key: str, value: Any) -> None:
    errors = errors_of(exploration_body(**{key: value}), rules)
    assert "探矿权" in errors[key]


@pytest.mark.parametrize("kind", ["renewal", "change", "transfer", "cancellation"])
def test_other_kinds_need_a_licence_number(rules: PlanRules, kind: str) -> None:
    assert "required for a" in errors_of(mining_body(kind=kind), rules)["licence_no"]


@pytest.mark.parametrize(
    ("right", "licence_no", "words"),
    [
        ("mining", "C123", "is not a licence number"),
        ("mining", "c1308812021017120000001", "is not a licence number"),
        ("mining", EXPLORATION_LICENCE, "starts with 'C'"),
        ("exploration", MINING_LICENCE, "starts with 'T'"),
    ],
)
def test_licence_numbers_are_checked(
    rules: PlanRules, right: str, licence_no: str, words: str
) -> None:
    body = mining_body() if right == "mining" else exploration_body()
    body.update(kind="renewal", licence_no=licence_no)
    assert words in errors_of(body, rules)["licence_no"]


def test_transfer_names_a_different_new_holder(rules: PlanRules) -> None:
    body = mining_body(kind="transfer", licence_no=MINING_LICENCE)
    assert "required" in errors_of(body, rules)["new_holder"]
    body["new_holder"] = {"name": "受让公司", "credit_code": APPLICANT_CODE}
    assert "applicant itself" in errors_of(body, rules)["new_holder"]
    wrong_check = OTHER_CODE[:-1] + ("1" if OTHER_CODE[-1] != "1" else "2")
    body["new_holder"] = {"name": "受让公司", "credit_code": wrong_check}
    assert "check digit" in errors_of(body, rules)["new_holder.credit_code"]
    body["new_holder"] = {"name": "受让公司", "credit_code": OTHER_CODE}
    app = parse_application(body, rules)
    assert app.new_holder is not None
    assert app.new_holder.credit_code == OTHER_CODE


def test_change_says_what_changes(rules: PlanRules) -> None:
    body = mining_body(kind="change", licence_no=MINING_LICENCE)
    assert "required for a change" in errors_of(body, rules)["changes"]
    body["changes"] = ["owner"]
    assert "unknown change 'owner'" in errors_of(body, rules)["changes"]
    body["changes"] = ["capacity", "area"]
    assert parse_application(body, rules).changes == {"capacity", "area"}


@pytest.mark.parametrize(
    ("change", "missing"), [("capacity", "capacity"), ("method", "mining_method"), ("area", "area")]
)
def test_a_change_gives_the_new_value(rules: PlanRules, change: str, missing: str) -> None:
    body = mining_body(kind="change", licence_no=MINING_LICENCE, changes=[change])
    body.pop(missing)
    assert "required for a change" in errors_of(body, rules)[missing]


def test_an_exploration_change_cannot_change_capacity(rules: PlanRules) -> None:
    body = exploration_body(kind="change", licence_no=EXPLORATION_LICENCE, changes=["method"])
    assert "no method to change" in errors_of(body, rules)["changes"]


def test_a_mine_cancellation_may_declare_closure_report_and_restoration(
    rules: PlanRules,
) -> None:
    """The declarations are optional (recorded facts on the licence decide) but, when given,
    must be well-formed."""
    body = mining_body(kind="cancellation", licence_no=MINING_LICENCE)
    app = parse_application(body, rules)
    assert (app.closure_report, app.restoration_status) == (None, None)
    body.update(closure_report=True, restoration_status="finished")
    assert "expected one of not_started" in errors_of(body, rules)["restoration_status"]
    body["restoration_status"] = "completed"
    app = parse_application(body, rules)
    assert (app.closure_report, app.restoration_status) == (True, "completed")


def test_an_exploration_cancellation_needs_no_closure_report(rules: PlanRules) -> None:
    body = exploration_body(kind="cancellation", licence_no=EXPLORATION_LICENCE)
    assert validate_application(body, rules) == []


def test_all_errors_come_at_once(rules: PlanRules) -> None:
    body = mining_body(
        mineral="铁",
        capacity={"value": -1, "unit": "万吨/年"},
        depth_m=[100, 200],
        reserves_10kt=-5,
        applicant={"name": "", "credit_code": "X"},
    )
    body["development_plan"]["mining_recovery_pct"] = 120
    with pytest.raises(InvalidApplication) as caught:
        parse_application(body, rules)
    fields = {e["field"] for e in caught.value.as_dicts()}
    assert fields >= {
        "mineral",
        "capacity.value",
        "depth_m",
        "reserves_10kt",
        "applicant.name",
        "applicant.credit_code",
        "development_plan.mining_recovery_pct",
    }
