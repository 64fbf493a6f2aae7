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
        mineral="钼矿",
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


# --- bounds and strict types (issue 12) ------------------------------------------------------


def test_an_exploration_result_needs_an_exploration_licence(
    standards: MonitoringStandards,
) -> None:
    iron_mine = licence()  # a mining licence (采矿权) for 铁矿
    errors = _exploration_errors(
        standards, _exploration(licence_no=iron_mine.licence_no), licence=iron_mine
    )
    assert "exploration licence (探矿权" in errors["licence_no"]
    # without the licence at hand, its number says it is a mining licence (C…)
    assert (
        "mining licence"
        in _exploration_errors(standards, _exploration(licence_no=iron_mine.licence_no))[
            "licence_no"
        ]
    )


def test_an_exploration_result_is_of_the_licences_mineral(standards: MonitoringStandards) -> None:
    iron = licence(licence_no=EXPLORATION_NO, right_type="exploration", mineral="铁矿")
    errors = _exploration_errors(standards, _exploration(), licence=iron)
    assert "for 铁矿, not 钼矿" in errors["mineral"]
    assert "licence_no" not in errors
    molybdenum = licence(licence_no=EXPLORATION_NO, right_type="exploration", mineral="钼矿")
    body = _exploration(mineral="molybdenum")
    assert _exploration_errors(standards, body, licence=molybdenum) == {}
    by_code = licence(licence_no=EXPLORATION_NO, right_type="exploration", mineral="molybdenum")
    assert _exploration_errors(standards, _exploration(), licence=by_code) == {}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year": "2021"}, "year", "whole number"),
        ({"year": 2021.0}, "year", "whole number"),
        ({"new_resources_ore_10kt": "120"}, "new_resources_ore_10kt", "JSON number"),
        ({"new_resources_ore_10kt": 1e308}, "new_resources_ore_10kt", "too large"),
        ({"new_resources_ore_10kt": 1_000_001}, "new_resources_ore_10kt", "at most 1000000"),
        ({"mineral": "钼" * 100_000}, "mineral", "at most 60 characters"),
        ({"mineral": "钼矿\u202e"}, "mineral", "bidirectional"),
        ({"licence_no": "T" * 100_000}, "licence_no", "at most 60 characters"),
    ],
)
def test_exploration_fields_are_strict_and_bounded(
    standards: MonitoringStandards, overrides: dict[str, Any], field: str, message: str
) -> None:
    errors = _exploration_errors(standards, _exploration(**overrides))
    assert message in errors[field]
    assert len(errors[field]) < 300


def _restoration(**overrides: Any) -> dict[str, Any]:
    return {
        "year": 2022,
        "restored_area_ha": 12.5,
        "site": "平泉县齐盛矿业有限公司迹地",
        **overrides,
    }


@pytest.mark.parametrize(
    ("project_id", "body", "field", "message"),
    [
        (
            "abandoned_mine_restoration",
            _restoration(site="迹" * 1_000_000),
            "site",
            "at most 300 characters",
        ),
        ("abandoned_mine_restoration", _restoration(site="迹地\x00"), "site", "control character"),
        ("abandoned_mine_restoration", _restoration(site="\u2067迹地"), "site", "bidirectional"),
        ("abandoned_mine_restoration", _restoration(restored_area_ha="12.5"), "restored", "JSON"),
        ("abandoned_mine_restoration", _restoration(restored_area_ha=1e7), "restored", "at most"),
        ("abandoned_mine_restoration", _restoration(year="2022"), "year", "whole number"),
        ("geochem_survey", {"year": 2022, "completed_sheets": "2"}, "completed", "whole number"),
        ("geochem_survey", {"year": 2022, "completed_sheets": True}, "completed", "whole number"),
        ("geochem_survey", {"year": 2022, "completed_sheets": 2**31}, "completed", "at most 1000"),
        (
            "geochem_survey",
            {"year": 2022, "completed_sheets": 10**5000},
            "completed",
            "whole number below",
        ),
        ("m" * 100_000, {"year": 2022}, "project_id", "unknown project"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_progress_fields_are_strict_and_bounded(
    standards: MonitoringStandards, project_id: str, body: Any, field: str, message: str
) -> None:
    errors = _progress_errors(standards, project_id, body)
    (found,) = (name for name in errors if name.startswith(field))
    assert message in errors[found]
    assert len(errors[found]) < 300
