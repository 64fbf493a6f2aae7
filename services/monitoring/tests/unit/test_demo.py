"""The demo monitoring data: every body valid, and the story the dashboard shows.

Run on the licensing service's 63 demo licences and the real plan document, through the
real domain functions (parse, evaluate, the deadline check), as the service would.
"""

from __future__ import annotations

import ast
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import lode_monitoring.demo as demo_module
import lode_monitoring.demo_reserves as demo_reserves_module
from lode_common.plan.data import bundled_documents
from lode_licensing.demo import demo_licences
from lode_monitoring.demo import (
    AS_OF,
    GEOCHEM_PROJECT,
    RESTORATION_PROJECT,
    WORKING_DAYS_PER_YEAR,
    YEARS,
    DemoData,
    DemoLicence,
    LicenceYear,
    demo_reports,
    from_licence_issued,
    story_events,
)
from lode_monitoring.demo_reserves import reserves_reports
from lode_monitoring.domain.capacity import ore_per_year_10kt
from lode_monitoring.domain.finding import Finding
from lode_monitoring.domain.findings import evaluate, missing_reports
from lode_monitoring.domain.report import (
    OutputReport,
    output_report_errors,
    parse_exploration_result,
    parse_output_report,
    parse_project_progress,
)
from lode_monitoring.domain.reserves import ReservesPolicy, ReservesReport, parse_reserves_report
from lode_monitoring.domain.reserves_rules import evaluate_reserves
from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.settings import MonitoringSettings

TODAY = date(2025, 6, 1)
_API_FIELDS = {
    "licence_no",
    "year",
    "period",
    "ore_mined_10kt",
    "products",
    "mining_recovery_pct",
    "processing_recovery_pct",
    "comprehensive_utilization_pct",
    "disturbed_area_ha",
    "restored_area_ha",
    "output_value_cny_10k",
}


@cache
def _licences() -> tuple[DemoLicence, ...]:
    return tuple(from_licence_issued(event) for event in demo_licences())


@cache
def _data() -> DemoData:
    return demo_reports(_licences())


@cache
def _standards() -> MonitoringStandards:
    return MonitoringStandards.of(bundled_documents())


def _licence(number: str) -> DemoLicence:
    return next(lic for lic in _licences() if lic.licence_no == number)


@cache
def _parsed() -> tuple[tuple[OutputReport, DemoLicence], ...]:
    return tuple(
        (
            parse_output_report(
                body,
                standards=_standards(),
                today=TODAY,
                licence=_licence(body["licence_no"]).view(),
            ),
            _licence(body["licence_no"]),
        )
        for body in _data().reports
    )


@cache
def _findings() -> tuple[Finding, ...]:
    reports = [report for report, _ in _parsed()]
    found: list[Finding] = []
    for report, lic in _parsed():
        history = [r for r in reports if r.licence_no == report.licence_no]
        found += evaluate(report, lic.view(), _standards(), TODAY, history=history)
    return tuple(found)


def _by_year(kind: str) -> dict[int, Decimal]:
    """Per year: 铁精粉 of grade ≥ 62 % from iron mines, or building stone ore mined."""
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for report, lic in _parsed():
        if kind == "iron" and lic.mineral == "铁矿":
            sums[report.year] += sum(
                (
                    p.output_10kt
                    for p in report.products
                    if p.name == "铁精粉" and p.grade_pct is not None and p.grade_pct >= 62
                ),
                Decimal(0),
            )
        elif kind == "building_stone" and lic.mineral == "建筑石料":
            sums[report.year] += report.ore_mined_10kt
    return dict(sums)


def _numbers(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif not isinstance(value, str) and value is not None:
        yield value


# --- input -----------------------------------------------------------------------------------


def test_from_licence_issued_keeps_what_monitoring_needs() -> None:
    events = demo_licences()
    for event, lic in zip(events, _licences(), strict=True):
        assert lic.licence_no == event.licence_no
        assert lic.holder_credit_code == event.holder.credit_code
        assert (lic.mineral, lic.mining_method, lic.scale) == (
            event.mineral,
            event.mining_method,
            event.scale,
        )
        assert event.capacity is not None
        assert (lic.capacity_value, lic.capacity_unit) == (
            event.capacity.value,
            event.capacity.unit,
        )
        assert (lic.valid_from, lic.valid_to, lic.right_type) == (
            event.valid_from,
            event.valid_to,
            "mining",
        )
    view = _licences()[0].view()
    assert view.licence_no == events[0].licence_no
    assert view.capacity is not None
    assert events[0].capacity is not None
    assert view.capacity.value == events[0].capacity.value


# --- every body is what a mine or staff would post -----------------------------------------------


def test_every_report_body_passes_the_real_validation() -> None:
    failures = {
        (body["licence_no"], body["year"]): [
            (e.field, e.message)
            for e in output_report_errors(
                body,
                standards=_standards(),
                today=TODAY,
                licence=_licence(body["licence_no"]).view(),
            )
        ]
        for body in _data().reports
    }
    assert {key: errors for key, errors in failures.items() if errors} == {}
    assert len(_parsed()) == len(_data().reports) > 200


def test_bodies_are_json_as_posted_without_the_illustrative_flag() -> None:
    for body in _data().reports:
        assert set(body) <= _API_FIELDS
        assert "illustrative" not in body
        assert body["period"] == "annual"
        assert json.loads(json.dumps(body, ensure_ascii=False)) == body
        assert all(isinstance(n, int | float) for n in _numbers(body))
    for body in _data().exploration_results:
        assert json.loads(json.dumps(body, ensure_ascii=False)) == body
    for progress in _data().project_progress:
        assert json.loads(json.dumps(progress.body, ensure_ascii=False)) == progress.body


def test_a_report_for_each_year_a_licence_was_valid_but_the_late_one() -> None:
    expected = {
        LicenceYear(lic.licence_no, year)
        for lic in _licences()
        for year in YEARS
        if lic.valid_from <= date(year, 12, 31) and lic.valid_to >= date(year, 1, 1)
    }
    reported = {LicenceYear(body["licence_no"], body["year"]) for body in _data().reports}
    assert len(reported) == len(_data().reports)  # one report per licence and year
    assert reported == expected - set(_data().late_reports)
    assert reported < expected


def test_a_lapsed_licence_reports_its_valid_days_only() -> None:
    lapsing = [
        (report, lic)
        for report, lic in _parsed()
        if lic.valid_to.year == report.year  # lapses that year
    ]
    assert len(lapsing) >= 10
    for report, lic in lapsing:
        capacity = lic.capacity
        assert capacity is not None
        mineral = _standards().catalogue.lookup(lic.mineral)
        per_year = ore_per_year_10kt(capacity, mineral, 330)
        assert isinstance(per_year, Decimal)
        assert report.ore_mined_10kt <= per_year * lic.valid_share(report.year) + Decimal("0.01")
    # and nothing after the year it lapsed
    for report, lic in _parsed():
        assert report.year <= lic.valid_to.year


def test_the_late_report_is_missing_for_the_deadline_job() -> None:
    (late,) = _data().late_reports
    assert late.year == 2023
    lic = _licence(late.licence_no)
    assert lic.scale == "small"
    assert lic.valid_all_year(2023)
    reports = [report for report, _ in _parsed()]
    missing = missing_reports(
        [lic.view() for lic in _licences()],
        reports,
        AS_OF,
        due=MonitoringSettings().annual_report_due_on(),
        first_year=YEARS[0],
        standards=_standards(),
    )
    assert [(f.code, f.licence_no, f.year) for f in missing] == [
        ("annual_report_missing", late.licence_no, 2023)
    ]


def test_exploration_results_grow_molybdenum_toward_but_not_past_500() -> None:
    results = [
        parse_exploration_result(body, standards=_standards(), today=TODAY)
        for body in _data().exploration_results
    ]
    assert {r.year: r.new_resources_ore_10kt for r in results} == {
        2022: Decimal(120),
        2023: Decimal(90),
        2024: Decimal(110),
    }
    assert all(r.mineral_zh == "钼矿" and r.licence_no is None for r in results)
    assert all(body["licence_no"] is None for body in _data().exploration_results)
    assert sum(r.new_resources_ore_10kt for r in results) == 320 < 500


def test_project_progress() -> None:
    parsed = [
        parse_project_progress(p.project_id, p.body, standards=_standards(), today=TODAY)
        for p in _data().project_progress
    ]
    sheets = {p.year: p.completed_sheets for p in parsed if p.project_id == GEOCHEM_PROJECT}
    assert sheets == {2022: 2, 2023: 2, 2024: 1}
    geochem = _standards().project(GEOCHEM_PROJECT)
    assert geochem is not None
    assert geochem.target == 7
    assert sum(n or 0 for n in sheets.values()) == 5
    restored = [p for p in parsed if p.project_id == RESTORATION_PROJECT]
    assert {p.year: p.restored_area_ha for p in restored} == {
        2021: Decimal("8.5"),
        2022: Decimal("12.0"),
        2023: Decimal("10.5"),
        2024: Decimal("9.0"),
    }
    assert sum(p.restored_area_ha or 0 for p in restored) == 40
    assert all(p.site is not None and "示意" in p.site for p in restored)
    assert any(p.site is not None and "齐盛矿业" in p.site for p in restored)
    years = [p.body["year"] for p in _data().project_progress]
    assert years == sorted(years)


# --- the story ---------------------------------------------------------------------------------


def test_iron_concentrate_rises_toward_but_stays_below_200() -> None:
    sums = _by_year("iron")
    bands = {2021: (145, 155), 2022: (155, 167), 2023: (167, 179), 2024: (179, 192)}
    for year, (low, high) in bands.items():
        assert low <= sums[year] <= high, (year, sums[year])
    assert [sums[y] for y in YEARS] == sorted(sums[y] for y in YEARS)
    assert all(total < 200 for total in sums.values())
    grades = [
        p.grade_pct
        for report, lic in _parsed()
        if lic.mineral == "铁矿"
        for p in report.products
        if p.name == "铁精粉"
    ]
    assert grades
    assert all(g is not None and 63 <= g <= 66 for g in grades)


def test_building_stone_follows_the_demo_quarries() -> None:
    """The 2020 register's 8 quarries (28.5 万立方米/年, 77 万吨 at 2.7 t/m³) and the three
    large ones granted in 2021-2023: the sums stay within what the quarries valid each
    year may mine, and rise every year toward the ~400 万吨/年 of 专栏2 without reaching it."""
    sums = _by_year("building_stone")
    quarries = [lic for lic in _licences() if lic.mineral == "建筑石料"]
    assert [sums[year] for year in YEARS] == sorted(sums[year] for year in YEARS)
    assert sums[YEARS[0]] < 150
    assert 300 < sums[YEARS[-1]] < 400
    story = story_events(_licences())
    assert story.over_capacity is not None
    for year in YEARS:
        ceiling = sum(
            (
                (lic.capacity_value or 0) * Decimal("2.7") * lic.valid_share(year)
                for lic in quarries
            ),
            Decimal(0),
        )
        excess = sum(
            (
                report.ore_mined_10kt - (lic.capacity_value or 0) * Decimal("2.7")
                for report, lic in _parsed()
                if LicenceYear(lic.licence_no, report.year) == story.over_capacity
                and report.year == year
            ),
            Decimal(0),
        )
        assert Decimal("0.6") * ceiling <= sums[year] <= ceiling + excess, (year, sums[year])
    old = defaultdict(Decimal)  # the 2020 register's quarries alone fall as three lapse
    for report, lic in _parsed():
        if lic.mineral == "建筑石料" and lic.valid_from.year <= 2020:
            old[report.year] += report.ore_mined_10kt
    assert 50 <= old[2021] <= 60
    assert 38 <= old[2024] <= 50
    assert old[2021] > old[2022] > old[2023]


def test_three_to_five_mine_years_below_a_national_minimum() -> None:
    below = [f for f in _findings() if f.code == "three_rates_below_standard"]
    mine_years = {(f.licence_no, f.year) for f in below}
    assert 3 <= len(mine_years) <= 5
    assert len(mine_years) == len(below) == 4
    # the brief's example: an underground iron mine at 72 % mining recovery in 2022
    assert any(
        f.year == 2022
        and f.subject == "mining_recovery"
        and f.details["reported_pct"] == 72
        and _licence(f.licence_no).mineral == "铁矿"
        and _licence(f.licence_no).mining_method == "underground"
        for f in below
    )
    assert Counter(f.severity for f in below) == {"violation": 3, "warning": 1}


def test_exactly_one_mine_over_capacity_once() -> None:
    (finding,) = [f for f in _findings() if f.code == "over_capacity"]
    assert (finding.licence_no, finding.year) == story_events(_licences()).over_capacity
    assert _licence(finding.licence_no).mineral == "建筑石料"
    assert finding.details["density_t_per_m3"] == Decimal("2.7")
    excess = finding.details["excess_ore_10kt"]
    assert isinstance(excess, Decimal)
    assert Decimal(0) < excess < Decimal(2)


def test_no_other_findings_but_lapse_year_warnings() -> None:
    """Production reported in the year a licence lapses is warned about by the rules
    (they cannot tell it was mined before the expiry); nothing else is found."""
    codes = Counter(f.code for f in _findings())
    assert set(codes) == {
        "three_rates_below_standard",
        "over_capacity",
        "production_while_inactive",
    }
    for f in _findings():
        if f.code == "production_while_inactive":
            assert f.severity == "warning"
            assert _licence(f.licence_no).valid_to.year == f.year


def test_areas_are_plausible() -> None:
    for report, lic in _parsed():
        assert report.disturbed_area_ha is not None
        assert report.restored_area_ha is not None
        assert 0 <= report.restored_area_ha <= report.disturbed_area_ha
        assert report.disturbed_area_ha < 10
        if lic.mining_method == "open_pit" and report.ore_mined_10kt > 5:
            assert report.disturbed_area_ha > 0


# --- deterministic, pure -----------------------------------------------------------------------


def test_deterministic_and_independent_of_input_order() -> None:
    again = demo_reports(list(_licences()))
    assert again == _data()
    shuffled = demo_reports(list(reversed(_licences())))

    def key(body: dict[str, Any]) -> tuple[str, int]:
        return body["licence_no"], body["year"]

    assert sorted(shuffled.reports, key=key) == sorted(_data().reports, key=key)
    assert shuffled.late_reports == _data().late_reports


@pytest.mark.parametrize("count", [0, 1, 5])
def test_a_small_register_still_gives_valid_bodies(count: int) -> None:
    licences = _licences()[:count]
    data = demo_reports(licences)
    numbers = {lic.licence_no for lic in licences}
    assert {body["licence_no"] for body in data.reports} <= numbers
    for body in data.reports:
        parse_output_report(
            body, standards=_standards(), today=TODAY, licence=_licence(body["licence_no"]).view()
        )
    assert len(data.exploration_results) == 3
    assert len(data.project_progress) == 7


@pytest.mark.parametrize("module", [demo_module, demo_reserves_module])
def test_the_module_imports_no_other_service_nor_io(module: Any) -> None:
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"lode_licensing", "lode_zoning", "sqlalchemy", "httpx", "fastapi"}


# --- reserves reports (储量年报) ---------------------------------------------------------------


@cache
def _reserves() -> tuple[dict[str, Any], ...]:
    return reserves_reports(_licences(), _data(), _standards().min_service_years.years)


@cache
def _policy() -> ReservesPolicy:
    return MonitoringSettings().reserves_policy()


@cache
def _parsed_reserves() -> tuple[ReservesReport, ...]:
    return tuple(
        parse_reserves_report(
            body,
            standards=_standards(),
            today=TODAY,
            licence=_licence(body["licence_no"]).view(),
        )
        for body in _reserves()
    )


@cache
def _reserves_findings() -> tuple[Finding, ...]:
    outputs = {(r.licence_no, r.year): r for r, _ in _parsed()}
    by_year = {(r.licence_no, r.year): r for r in _parsed_reserves()}
    found: list[Finding] = []
    for report in _parsed_reserves():
        found += evaluate_reserves(
            report,
            _licence(report.licence_no).view(),
            _standards(),
            _policy(),
            previous=by_year.get((report.licence_no, report.year - 1)),
            output=outputs.get((report.licence_no, report.year)),
        )
    return tuple(found)


def test_a_reserves_report_for_each_output_report_and_every_one_balances() -> None:
    outputs = {(body["licence_no"], body["year"]) for body in _data().reports}
    filed = [(body["licence_no"], body["year"]) for body in _reserves()]
    assert sorted(filed) == sorted(outputs)
    assert len(set(filed)) == len(filed)
    for body, report in zip(_reserves(), _parsed_reserves(), strict=True):
        assert set(body) == {
            "licence_no",
            "year",
            "mineral",
            "opening_10kt",
            "extracted_10kt",
            "lost_10kt",
            "new_proven_10kt",
            "recalculated_10kt",
            "closing_10kt",
        }
        assert report.main, "the licence's own mineral"
        assert report.closing_10kt == report.computed_closing_10kt
        assert report.closing_10kt > 0
    (late,) = _data().late_reports
    assert late not in filed, "the mine that withholds its annual report withholds this too"


def test_reserves_follow_the_output_reports() -> None:
    outputs = {(r.licence_no, r.year): r for r, _ in _parsed()}
    for report in _parsed_reserves():
        output = outputs[(report.licence_no, report.year)]
        assert report.extracted_10kt == output.ore_mined_10kt
        rate = output.mining_recovery_pct
        assert rate is not None
        if report.used_10kt:
            implied = report.extracted_10kt * 100 / report.used_10kt
            assert rate <= implied < rate + Decimal("0.01"), (report.licence_no, report.year)


def test_reserves_continue_year_to_year_but_once() -> None:
    by_year = {(r.licence_no, r.year): r for r in _parsed_reserves()}
    gaps = [
        (number, year)
        for (number, year), report in by_year.items()
        if (number, year - 1) in by_year
        and by_year[(number, year - 1)].closing_10kt != report.opening_10kt
    ]
    story = story_events(_licences()).discontinuity
    assert story is not None
    assert gaps == [story]
    assert _licence(story.licence_no).mineral == "铜矿"


def test_a_few_discoveries_and_no_recalculation() -> None:
    found = [r for r in _parsed_reserves() if r.new_proven_10kt > 0]
    assert 1 <= len(found) <= 12
    assert all(r.year > YEARS[0] for r in found)
    assert all(r.recalculated_10kt == 0 for r in _parsed_reserves())


def test_the_reserves_story() -> None:
    """The reserves findings are the story's: one mine short of service years every year,
    one discontinuity, the two low 开采回采率 mine-years, and nothing else."""
    events = story_events(_licences())
    codes = Counter(f.code for f in _reserves_findings())
    assert set(codes) == {"service_years_short", "reserves_discontinuity", "recovery_implied_low"}
    short = {f.licence_no for f in _reserves_findings() if f.code == "service_years_short"}
    assert short == {events.short_service_years}
    assert codes["service_years_short"] == sum(
        1 for r in _parsed_reserves() if r.licence_no == events.short_service_years
    )
    (gap,) = [f for f in _reserves_findings() if f.code == "reserves_discontinuity"]
    assert (gap.licence_no, gap.year) == events.discontinuity
    low = {(f.licence_no, f.year) for f in _reserves_findings() if f.code == "recovery_implied_low"}
    assert low == {
        (case.licence_no, case.year)
        for case in events.below_standard
        if case.rate == "mining_recovery"
    }
    assert len(low) == 2


def test_reserves_last_a_plausible_life() -> None:
    events = story_events(_licences())
    for report in _parsed_reserves():
        lic = _licence(report.licence_no)
        assert lic.capacity is not None
        mineral = _standards().catalogue.lookup(lic.mineral)
        capacity = ore_per_year_10kt(lic.capacity, mineral, WORKING_DAYS_PER_YEAR)
        assert isinstance(capacity, Decimal)
        years = report.closing_10kt / capacity
        if report.licence_no == events.short_service_years:
            assert years < 10
        else:
            assert 10 <= years <= 46, (report.licence_no, years)


def test_reserves_are_deterministic_and_independent_of_input_order() -> None:
    shuffled = list(reversed(_licences()))
    again = reserves_reports(shuffled, demo_reports(shuffled), _standards().min_service_years.years)
    assert again == _reserves()
