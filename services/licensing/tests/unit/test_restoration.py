"""Restoration plans (复垦方案) on mining applications and licences, the green-mine listing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.application import parse_application
from lode_licensing.domain.errors import (
    FieldError,
    IllegalTransition,
    InvalidApplication,
    InvalidInput,
)
from lode_licensing.domain.licence import Licence, list_green_mine, with_restoration_plan
from lode_licensing.domain.party import Party
from lode_licensing.domain.restoration import (
    RestorationMilestone,
    parse_restoration_plan,
    plan_as_json,
    plan_from_json,
    plan_outside_validity,
)
from lode_licensing.domain.rulebook import PlanRules

from .builders import exploration_body, mining_body


def _parse(raw: Any) -> tuple[Any, list[FieldError]]:
    errors: list[FieldError] = []
    return parse_restoration_plan(raw, errors), errors


def _licence(**changes: Any) -> Licence:
    values: dict[str, Any] = {
        "licence_no": "C1308812026017120000041",
        "right_type": "mining",
        "holder": Party("平泉市示意矿业有限公司", "91130881MA0A000007"),
        "mineral_zh": "铁矿",
        "valid_from": date(2026, 12, 1),
        "valid_to": date(2036, 11, 30),
    }
    return Licence(**{**values, **changes})


def test_a_plan_reads_as_cumulative_milestones() -> None:
    plan, errors = _parse(
        [
            {"year": 2027, "restored_area_ha": 1.1},
            {"year": 2028, "restored_area_ha": 2.5},
            {"year": 2030, "restored_area_ha": 2.5},  # a year without new restoration
        ]
    )
    assert errors == []
    assert plan == (
        RestorationMilestone(2027, Decimal("1.1")),
        RestorationMilestone(2028, Decimal("2.5")),
        RestorationMilestone(2030, Decimal("2.5")),
    )
    assert plan_from_json(plan_as_json(plan)) == plan
    assert plan_as_json(plan)[0] == {"year": 2027, "restored_area_ha": 1.1}


def test_no_plan_and_an_empty_plan() -> None:
    assert _parse(None) == (None, [])
    assert _parse([]) == ((), [])


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"year": 2027}, "restoration_plan"),
        (["2027"], "restoration_plan[0]"),
        ([{"year": "2027", "restored_area_ha": 1}], "restoration_plan[0].year"),
        ([{"year": True, "restored_area_ha": 1}], "restoration_plan[0].year"),
        ([{"year": 2027}], "restoration_plan[0].restored_area_ha"),
        ([{"year": 2027, "restored_area_ha": "lots"}], "restoration_plan[0].restored_area_ha"),
        ([{"year": 2027, "restored_area_ha": -0.1}], "restoration_plan[0].restored_area_ha"),
        ([{"year": 2027, "restored_area_ha": "2.5"}], "restoration_plan[0].restored_area_ha"),
        ([{"year": 2027, "restored_area_ha": 1e308}], "restoration_plan[0].restored_area_ha"),
        ([{"year": 2027, "restored_area_ha": 1.0000001}], "restoration_plan[0].restored_area_ha"),
        ([{"year": 2200, "restored_area_ha": 1}], "restoration_plan[0].year"),
        ([{"year": 1900, "restored_area_ha": 1}], "restoration_plan[0].year"),
        ([{"year": 2027, "restored_area_ha": 1, "note": "x"}], "restoration_plan[0].note"),
        ([{"year": 2000 + i, "restored_area_ha": i} for i in range(101)], "restoration_plan"),
        (
            [{"year": 2027, "restored_area_ha": 1}, {"year": 2027, "restored_area_ha": 2}],
            "restoration_plan[1].year",
        ),
        (
            [{"year": 2027, "restored_area_ha": 2}, {"year": 2028, "restored_area_ha": 1.9}],
            "restoration_plan[1].restored_area_ha",
        ),
    ],
)
def test_an_invalid_plan_names_the_field(raw: Any, field: str) -> None:
    plan, errors = _parse(raw)
    assert plan is None
    assert [e.field for e in errors] == [field]


def test_milestones_fall_within_the_validity() -> None:
    plan = (
        RestorationMilestone(2026, Decimal(0)),
        RestorationMilestone(2036, Decimal(5)),
        RestorationMilestone(2037, Decimal(6)),
    )
    errors = plan_outside_validity(plan, date(2026, 12, 1), date(2036, 11, 30))
    assert [e.field for e in errors] == ["restoration_plan[2].year"]
    with pytest.raises(InvalidInput) as caught:
        with_restoration_plan(_licence(), plan)
    assert [e.field for e in caught.value.errors] == ["restoration_plan[2].year"]
    assert with_restoration_plan(_licence(), plan[:2]).restoration_plan == plan[:2]


@pytest.mark.parametrize("kind", ["new", "renewal", "change"])
def test_mining_new_renewal_and_change_carry_a_plan(rules: PlanRules, kind: str) -> None:
    extra: dict[str, Any] = {} if kind == "new" else {"licence_no": "C1308812020017120000001"}
    if kind == "change":
        extra["changes"] = ["capacity"]
    body = mining_body(kind=kind, restoration_plan=[{"year": 2027, "restored_area_ha": 2}], **extra)
    app = parse_application(body, rules)
    assert app.restoration_plan == (RestorationMilestone(2027, Decimal(2)),)
    assert parse_application(mining_body(restoration_plan=None), rules).restoration_plan is None


@pytest.mark.parametrize(
    "body",
    [
        exploration_body(restoration_plan=[{"year": 2027, "restored_area_ha": 2}]),
        mining_body(
            kind="transfer",
            licence_no="C1308812020017120000001",
            new_holder={"name": "受让方", "credit_code": "91130881MA0B000024"},
            restoration_plan=[{"year": 2027, "restored_area_ha": 2}],
        ),
    ],
)
def test_other_applications_carry_none(rules: PlanRules, body: dict[str, Any]) -> None:
    with pytest.raises(InvalidApplication) as caught:
        parse_application(body, rules)
    assert "restoration_plan" in [e.field for e in caught.value.errors]


def test_a_mine_in_force_is_listed_and_delisted() -> None:
    listed = list_green_mine(_licence(), True)
    assert listed.green_mine is True
    assert list_green_mine(listed, False).green_mine is False
    assert list_green_mine(_licence(status="suspended"), True).green_mine is True


def test_an_exploration_licence_is_not_a_mine() -> None:
    with pytest.raises(InvalidInput) as caught:
        list_green_mine(
            _licence(licence_no="T1308812026017120000041", right_type="exploration"), True
        )
    assert [e.field for e in caught.value.errors] == ["licence_no"]


@pytest.mark.parametrize("status", ["expired", "revoked", "cancelled"])
def test_an_ended_licence_is_not_listed(status: Any) -> None:
    with pytest.raises(IllegalTransition) as caught:
        list_green_mine(_licence(status=status), True)
    assert caught.value.current_state == status
