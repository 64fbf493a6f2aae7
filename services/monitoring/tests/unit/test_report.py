"""Output report validation: every field error at once (report.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lode_common.limits import LABEL_MAX, PRODUCTS_PER_REPORT_MAX
from lode_monitoring.domain.errors import InvalidReport
from lode_monitoring.domain.report import output_report_errors, parse_output_report
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import EXPLORATION_NO, OTHER_MINING_NO, TODAY, licence, report_body


def _errors(standards: MonitoringStandards, body: Any, **kw: Any) -> dict[str, str]:
    kw.setdefault("today", TODAY)
    return {e.field: e.message for e in output_report_errors(body, standards=standards, **kw)}


def test_the_api_example_is_valid_and_exact(standards: MonitoringStandards) -> None:
    parsed = parse_output_report(report_body(), standards=standards, today=TODAY, licence=licence())
    assert parsed.ore_mined_10kt == Decimal("52.0")
    (product,) = parsed.products
    assert product.output_10kt == Decimal("14.2")
    assert str(product.output_10kt) == "14.2"
    assert product.output_10kt + Decimal("0.1") == Decimal("14.3")
    assert product.grade_pct == Decimal(65)
    assert parsed.mining_recovery_pct == Decimal(91)
    assert parsed.output_value_cny_10k == Decimal(6800)
    assert parsed.rate("comprehensive_utilization") == Decimal(35)
    assert parsed.period == "annual"


def test_numbers_and_years_sent_as_text_are_refused(standards: MonitoringStandards) -> None:
    body = report_body(
        ore_mined_10kt="52.25",
        year="2021",
        mining_recovery_pct="91.5",
        products=[{"name": "铁精粉", "output_10kt": "0.5"}],
    )
    errors = _errors(standards, body)
    assert "JSON number" in errors["ore_mined_10kt"]
    assert "JSON number" in errors["mining_recovery_pct"]
    assert "JSON number" in errors["products[0].output_10kt"]
    assert "whole number" in errors["year"]


def test_invalid_report_lists_every_error(standards: MonitoringStandards) -> None:
    body = report_body(
        licence_no="C123",
        year=1800,
        period="monthly",
        ore_mined_10kt=-1,
        mining_recovery_pct=101,
        processing_recovery_pct=-0.5,
        disturbed_area_ha=-3,
        restored_area_ha=-1,
        output_value_cny_10k=-1,
    )
    with pytest.raises(InvalidReport) as caught:
        parse_output_report(body, standards=standards, today=TODAY)
    fields = [e["field"] for e in caught.value.as_dicts()]
    assert fields == [
        "licence_no",
        "year",
        "period",
        "ore_mined_10kt",
        "mining_recovery_pct",
        "processing_recovery_pct",
        "disturbed_area_ha",
        "restored_area_ha",
        "output_value_cny_10k",
    ]
    assert all(set(e) == {"field", "message"} for e in caught.value.as_dicts())


def test_not_an_object(standards: MonitoringStandards) -> None:
    assert _errors(standards, [1, 2]) == {"": "a report must be a JSON object"}


# --- licence_no ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "required"),
        ("", "must not be empty"),
        (1308812021017120000001, "expected text"),
        ("C130881202101712000000", "is not a licence number"),  # 22 characters
        ("X1308812021017120000001", "is not a licence number"),
        ("c1308812021017120000001", "is not a licence number"),
    ],
)
def test_licence_no(standards: MonitoringStandards, value: object, message: str) -> None:
    assert message in _errors(standards, report_body(licence_no=value))["licence_no"]


def test_an_exploration_licence_reports_no_output(standards: MonitoringStandards) -> None:
    errors = _errors(standards, report_body(licence_no=EXPLORATION_NO))
    assert "exploration" in errors["licence_no"]


def test_the_body_must_name_the_licence_given(standards: MonitoringStandards) -> None:
    errors = _errors(standards, report_body(licence_no=OTHER_MINING_NO), licence=licence())
    assert "the licence is C1308812021017120000001" in errors["licence_no"]


# --- year and period -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "required"),
        (2021.5, "whole number"),
        ("twenty", "whole number"),
        (True, "whole number"),
        (1989, "between 1990 and 2022"),
        (2023, "between 1990 and 2022"),
    ],
)
def test_year(standards: MonitoringStandards, value: object, message: str) -> None:
    assert message in _errors(standards, report_body(year=value))["year"]


@pytest.mark.parametrize(
    "value", [2021.0, "2021", pytest.param(10**5000, id="5000 digits"), -(10**20)]
)
def test_a_year_is_a_json_integer_of_a_sensible_size(
    standards: MonitoringStandards, value: object
) -> None:
    message = _errors(standards, report_body(year=value))["year"]
    assert "whole number" in message
    assert len(message) < 200


@pytest.mark.parametrize("value", [2021, 1990])
def test_year_accepted(standards: MonitoringStandards, value: object) -> None:
    assert "year" not in _errors(standards, report_body(year=value))


@pytest.mark.parametrize("period", ["annual", "Q1", "Q2", "Q3", "Q4"])
def test_periods(standards: MonitoringStandards, period: str) -> None:
    assert _errors(standards, report_body(period=period)) == {}


@pytest.mark.parametrize(("value", "message"), [(None, "required"), ("Q5", "expected one of")])
def test_bad_period(standards: MonitoringStandards, value: object, message: str) -> None:
    assert message in _errors(standards, report_body(period=value))["period"]


def test_a_period_not_begun(standards: MonitoringStandards) -> None:
    # today is 2022-06-01 (CST): Q2 has begun, Q3 has not
    assert _errors(standards, report_body(year=2022, period="Q2")) == {}
    assert "has not begun" in _errors(standards, report_body(year=2022, period="Q3"))["period"]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "year", "period", "ok"),
    [
        (date(2022, 1, 1), date(2030, 12, 31), 2021, "annual", False),
        (date(2021, 12, 31), date(2030, 12, 31), 2021, "annual", True),  # touches one day
        (date(2015, 1, 1), date(2020, 12, 31), 2021, "annual", False),
        (date(2015, 1, 1), date(2021, 1, 1), 2021, "annual", True),
        (date(2021, 7, 1), date(2030, 12, 31), 2021, "Q1", False),
        (date(2021, 7, 1), date(2030, 12, 31), 2021, "Q3", True),
    ],
)
def test_the_period_must_touch_the_validity(
    standards: MonitoringStandards,
    valid_from: date,
    valid_to: date,
    year: int,
    period: str,
    ok: bool,
) -> None:
    lic = licence(valid_from=valid_from, valid_to=valid_to)
    errors = _errors(standards, report_body(year=year, period=period), licence=lic)
    assert ("year" not in errors) is ok
    if not ok:
        assert "outside the licence's validity" in errors["year"]


# --- quantities ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "required"),
        (-0.01, "must not be negative"),
        (-1, "must not be negative"),
        ("abc", "expected a JSON number"),
        ("52", "expected a JSON number"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (True, "expected a JSON number"),
        ([52], "expected a number"),
        (52.00001, "more than 4 decimal places"),
        (0.1234567890123456, "more than 15 significant digits"),
        (1e308, "too large"),
        pytest.param(10**5000, "too large", id="5000 digits"),
        (1e11, "too large"),
        (1_000_000.0001, "at most 1000000"),
    ],
)
def test_ore_mined(standards: MonitoringStandards, value: object, message: str) -> None:
    assert message in _errors(standards, report_body(ore_mined_10kt=value))["ore_mined_10kt"]


@pytest.mark.parametrize("value", [0, 0.0, 1e2, 52.0001, 1_000_000])
def test_ore_mined_accepted(standards: MonitoringStandards, value: object) -> None:
    assert "ore_mined_10kt" not in _errors(standards, report_body(ore_mined_10kt=value))


@pytest.mark.parametrize(
    "field", ["mining_recovery_pct", "processing_recovery_pct", "comprehensive_utilization_pct"]
)
@pytest.mark.parametrize(
    ("value", "ok"),
    [(0, True), (100, True), (50.5, True), (100.01, False), (-0.01, False), ("50.5", False)],
)
def test_rates_are_percentages(
    standards: MonitoringStandards, field: str, value: object, ok: bool
) -> None:
    errors = _errors(standards, report_body(**{field: value}))
    assert (field not in errors) is ok


def test_rates_are_optional_except_mining_recovery_in_an_annual_report(
    standards: MonitoringStandards,
) -> None:
    body = report_body(processing_recovery_pct=None, comprehensive_utilization_pct=None)
    assert _errors(standards, body) == {}
    del body["mining_recovery_pct"]
    assert "开采回采率" in _errors(standards, body)["mining_recovery_pct"]
    assert _errors(standards, {**body, "ore_mined_10kt": 0}) == {}  # nothing mined
    assert _errors(standards, {**body, "period": "Q1"}) == {}  # a quarter


@pytest.mark.parametrize("field", ["disturbed_area_ha", "restored_area_ha", "output_value_cny_10k"])
def test_areas_and_value_not_negative(standards: MonitoringStandards, field: str) -> None:
    assert "must not be negative" in _errors(standards, report_body(**{field: -1}))[field]
    assert field not in _errors(standards, report_body(**{field: None}))


def test_more_restored_than_disturbed_in_a_year_is_allowed(standards: MonitoringStandards) -> None:
    assert _errors(standards, report_body(disturbed_area_ha=0, restored_area_ha=5)) == {}


# --- products --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "field", "message"),
    [
        ({"grade_pct": 65, "output_10kt": 1}, "products[0].name", "grade without product"),
        (
            {"name": " ", "grade_pct": 65, "output_10kt": 1},
            "products[0].name",
            "grade without product",
        ),
        ({"output_10kt": 1}, "products[0].name", "required"),
        ({"name": "", "output_10kt": 1}, "products[0].name", "must not be empty"),
        ({"name": 7, "output_10kt": 1}, "products[0].name", "expected text"),
        ({"name": "铁精粉"}, "products[0].output_10kt", "required"),
        ({"name": "铁精粉", "output_10kt": -1}, "products[0].output_10kt", "must not be negative"),
        ({"name": "铁精粉", "output_10kt": 1, "grade_pct": 101}, "products[0].grade_pct", "100"),
        (
            {"name": "铁精粉", "output_10kt": 1, "grade_pct": -1},
            "products[0].grade_pct",
            "negative",
        ),
        ({"name": "铁精粉", "output_10kt": 1, "grde_pct": 65}, "products[0].grde_pct", "unknown"),
        ("铁精粉", "products[0]", "must be a JSON object"),
    ],
)
def test_product_errors(
    standards: MonitoringStandards, product: object, field: str, message: str
) -> None:
    errors = _errors(standards, report_body(products=[product]))
    assert message in errors[field]


def test_products_must_be_a_list(standards: MonitoringStandards) -> None:
    assert "expected a list" in _errors(standards, report_body(products={"name": "x"}))["products"]


def test_products_are_optional(standards: MonitoringStandards) -> None:
    parsed = parse_output_report(report_body(products=None), standards=standards, today=TODAY)
    assert parsed.products == ()


def test_a_product_without_grade(standards: MonitoringStandards) -> None:
    body = report_body(
        products=[{"name": "铜精矿", "output_10kt": 0.5}, {"name": "a", "output_10kt": 0}]
    )
    parsed = parse_output_report(body, standards=standards, today=TODAY)
    assert [(p.name, p.grade_pct) for p in parsed.products] == [("铜精矿", None), ("a", None)]


def test_products_per_report_are_bounded(standards: MonitoringStandards) -> None:
    product = {"name": "铁精粉", "output_10kt": 1}
    at_most = report_body(products=[product] * PRODUCTS_PER_REPORT_MAX)
    assert _errors(standards, at_most) == {}
    too_many = _errors(standards, report_body(products=[product] * 10_000))
    assert f"at most {PRODUCTS_PER_REPORT_MAX} products" in too_many["products"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("铁" * (LABEL_MAX + 1), f"at most {LABEL_MAX} characters"),
        ("x" * 1_000_000, f"at most {LABEL_MAX} characters"),
        ("铁精粉\x00", "control character"),
        ("\u202e粉精铁", "bidirectional"),
        ("铁精粉\n硫精矿", "control character"),
    ],
)
def test_a_product_name_is_a_bounded_plain_label(
    standards: MonitoringStandards, name: str, message: str
) -> None:
    errors = _errors(standards, report_body(products=[{"name": name, "output_10kt": 1}]))
    assert message in errors["products[0].name"]
    assert len(errors["products[0].name"]) < 300


def test_a_long_licence_number_is_not_repeated_whole(standards: MonitoringStandards) -> None:
    message = _errors(standards, report_body(licence_no="C" * 1_000_000))["licence_no"]
    assert len(message) < 300


def test_errors_in_several_products_are_all_given(standards: MonitoringStandards) -> None:
    body = report_body(products=[{"grade_pct": 60, "output_10kt": 1}, {"name": "x"}])
    assert set(_errors(standards, body)) == {"products[0].name", "products[1].output_10kt"}


# --- unknown fields --------------------------------------------------------------------------


def test_a_misspelt_field_is_an_error_not_dropped(standards: MonitoringStandards) -> None:
    errors = _errors(standards, report_body(mining_recovery=91))
    assert "unknown field" in errors["mining_recovery"]


def test_fields_the_caller_handles_can_be_ignored(standards: MonitoringStandards) -> None:
    assert _errors(standards, report_body(reason="typo fixed"), ignore=("reason",)) == {}


def test_a_clock_reading_is_a_valid_today(standards: MonitoringStandards) -> None:
    from datetime import UTC, datetime

    # 2022-12-31T16:00Z is 2023-01-01 in CST: a 2023 Q1 report has begun
    body = report_body(year=2023, period="Q1")
    assert _errors(standards, body, today=datetime(2022, 12, 31, 16, 0, tzinfo=UTC)) == {}
    assert "year" in _errors(standards, body, today=datetime(2022, 12, 31, 15, 59, tzinfo=UTC))


def test_unknown_fields_are_named_briefly_and_counted(standards: MonitoringStandards) -> None:
    body = report_body(**{f"extra_{i}": 1 for i in range(10_000)}, **{"k" * 100_000: 1})
    errors = output_report_errors(body, standards=standards, today=TODAY)
    assert len(errors) == 21
    assert errors[0].field == "extra_0"
    assert errors[-1].field == ""
    assert "9981 more unknown fields" in errors[-1].message
    long_key = report_body(**{"k" * 100_000: 1})
    (error,) = output_report_errors(long_key, standards=standards, today=TODAY)
    assert error.field == "k" * 60 + "…"
