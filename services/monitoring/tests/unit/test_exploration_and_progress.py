"""Exploration results (新增资源量) and plan project progress (专栏5, 专栏6) validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lode_monitoring.domain.errors import InvalidExplorationResult, InvalidProjectProgress
from lode_monitoring.domain.report import (
    exploration_result_errors,
    parse_exploration_result,
    parse_project_progress,
    project_progress_errors,
)
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import EXPLORATION_NO, TODAY, licence


def _exploration(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "licence_no": EXPLORATION_NO,
        "year": 2021,
        "mineral": "钼矿",
        "new_resources_ore_10kt": 120.5,
    }
    body.update(overrides)
    return body


def _exploration_errors(standards: MonitoringStandards, body: Any, **kw: Any) -> dict[str, str]:
    errors = exploration_result_errors(body, standards=standards, today=TODAY, **kw)
    return {e.field: e.message for e in errors}


def test_exploration_result(standards: MonitoringStandards) -> None:
    result = parse_exploration_result(
        _exploration(mineral="molybdenum"), standards=standards, today=TODAY
    )
    assert result.mineral_zh == "钼矿"
    assert result.new_resources_ore_10kt == Decimal("120.5")
    assert result.licence_no == EXPLORATION_NO


def test_staff_may_report_without_a_licence(standards: MonitoringStandards) -> None:
    body = _exploration()
    del body["licence_no"]
    assert parse_exploration_result(body, standards=standards, today=TODAY).licence_no is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"licence_no": "T12"}, "licence_no", "is not a licence number"),
        ({"mineral": "月球岩"}, "mineral", "unknown mineral"),
        ({"mineral": None}, "mineral", "required"),
        ({"new_resources_ore_10kt": -1}, "new_resources_ore_10kt", "must not be negative"),
        ({"new_resources_ore_10kt": None}, "new_resources_ore_10kt", "required"),
        ({"year": 2023}, "year", "between"),
        ({"year": None}, "year", "required"),
        ({"resources": 1}, "resources", "unknown field"),
    ],
)
def test_exploration_errors(
    standards: MonitoringStandards, overrides: dict[str, Any], field: str, message: str
) -> None:
    assert message in _exploration_errors(standards, _exploration(**overrides))[field]


def test_exploration_year_within_the_licence(standards: MonitoringStandards) -> None:
    lic = licence(
        licence_no=EXPLORATION_NO,
        right_type="exploration",
        valid_from=date(2022, 1, 1),
        valid_to=date(2026, 12, 31),
    )
    assert (
        "outside the licence's validity"
        in _exploration_errors(standards, _exploration(), licence=lic)["year"]
    )
    assert _exploration_errors(standards, _exploration(year=2022), licence=lic) == {}


def test_exploration_errors_all_at_once(standards: MonitoringStandards) -> None:
    body = _exploration(licence_no="x", mineral="?", new_resources_ore_10kt="lots")
    with pytest.raises(InvalidExplorationResult) as caught:
        parse_exploration_result(body, standards=standards, today=TODAY)
    assert [e.field for e in caught.value.errors] == [
        "licence_no",
        "mineral",
        "new_resources_ore_10kt",
    ]


def test_exploration_not_an_object(standards: MonitoringStandards) -> None:
    assert _exploration_errors(standards, "x") == {
        "": "an exploration result must be a JSON object"
    }


# --- project progress ------------------------------------------------------------------------


def _progress_errors(standards: MonitoringStandards, project_id: str, body: Any) -> dict[str, str]:
    errors = project_progress_errors(project_id, body, standards=standards, today=TODAY)
    return {e.field: e.message for e in errors}


def test_geochem_survey_sheets(standards: MonitoringStandards) -> None:
    progress = parse_project_progress(
        "geochem_survey", {"year": 2022, "completed_sheets": 2}, standards=standards, today=TODAY
    )
    assert (progress.project_id, progress.year, progress.completed_sheets) == (
        "geochem_survey",
        2022,
        2,
    )
    assert progress.restored_area_ha is None


def test_abandoned_mine_restoration_area(standards: MonitoringStandards) -> None:
    progress = parse_project_progress(
        "abandoned_mine_restoration",
        {"year": 2022, "restored_area_ha": 12.5, "site": "平泉县齐盛矿业有限公司迹地"},
        standards=standards,
        today=TODAY,
    )
    assert progress.restored_area_ha == Decimal("12.5")
    assert progress.site == "平泉县齐盛矿业有限公司迹地"


@pytest.mark.parametrize(
    ("project_id", "body", "field", "message"),
    [
        ("geochem_survey", {"year": 2022}, "completed_sheets", "required"),
        ("geochem_survey", {"year": 2022, "completed_sheets": -1}, "completed_sheets", "negative"),
        (
            "geochem_survey",
            {"year": 2022, "completed_sheets": 2.5},
            "completed_sheets",
            "whole number",
        ),
        (
            "geochem_survey",
            {"year": 2022, "completed_sheets": 1, "restored_area_ha": 3},
            "restored_area_ha",
            "does not apply",
        ),
        ("geochem_survey", {"completed_sheets": 1}, "year", "required"),
        (
            "abandoned_mine_restoration",
            {"year": 2022, "site": "x"},
            "restored_area_ha",
            "required",
        ),
        (
            "abandoned_mine_restoration",
            {"year": 2022, "site": "x", "restored_area_ha": -0.5},
            "restored_area_ha",
            "negative",
        ),
        (
            "abandoned_mine_restoration",
            {"year": 2022, "restored_area_ha": 1},
            "site",
            "required",
        ),
        (
            "abandoned_mine_restoration",
            {"year": 2022, "restored_area_ha": 1, "site": " "},
            "site",
            "must not be empty",
        ),
        (
            "abandoned_mine_restoration",
            {"year": 2022, "restored_area_ha": 1, "site": "x", "completed_sheets": 1},
            "completed_sheets",
            "does not apply",
        ),
        ("moon_base", {"year": 2022}, "project_id", "geochem_survey, abandoned_mine_restoration"),
        ("geochem_survey", {"year": 2022, "completed_sheets": 1, "sheets": 1}, "sheets", "unknown"),
    ],
)
def test_progress_errors(
    standards: MonitoringStandards, project_id: str, body: Any, field: str, message: str
) -> None:
    assert message in _progress_errors(standards, project_id, body)[field]


def test_progress_invalid_raises(standards: MonitoringStandards) -> None:
    with pytest.raises(InvalidProjectProgress) as caught:
        parse_project_progress("moon_base", {}, standards=standards, today=TODAY)
    assert [e.field for e in caught.value.errors] == ["project_id", "year"]
