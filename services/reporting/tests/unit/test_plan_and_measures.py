"""Indicator definitions read from the published plan document, and the measures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lode_common.plan.data import bundled_documents
from lode_reporting.domain import measures, plan
from lode_reporting.domain.measures import Facts, LicenceVersion, Output, Product

DOCUMENT = bundled_documents()  # what plan.published carries, as every consumer reads it
D = Decimal


def test_every_indicator_and_text_target_is_defined_with_a_measure() -> None:
    defs = {d.id: d for d in plan.definitions(DOCUMENT)}
    expected = [i.id for i in DOCUMENT.indicators.items] + [t.id for t in DOCUMENT.text_targets]
    assert list(defs) == expected
    assert set(defs) <= set(measures.MEASURES)
    assert defs["iron_concentrate_output"].target_text == "200±"
    assert defs["total_mines_cap"].target.kind == "at_most"
    assert defs["mining_rights_decrease"].target_text == "<63"
    assert defs["three_rates_compliance"].target.kind == "floor"
    assert defs["abandoned_mine_restoration"].target.target == 150
    assert defs["large_medium_mine_ratio"].target.baseline == D("12.70")  # 8 of 63
    assert defs["total_mines_cap"].target.baseline == 63
    assert defs["geochem_survey_sheets"].clause == "第二章第三节 专栏2; 第四章第一节 专栏5"
    assert defs["new_resources_molybdenum_ore"].clause == "第二章第三节 专栏2"
    assert "第四章第二节" in defs["building_stone_output"].clause


def test_building_stone_group_comes_from_the_catalogue() -> None:
    group = plan.mineral_group(DOCUMENT, plan.BUILDING_STONE_GROUP)
    assert {"建筑石料", "砂石土", "建筑用灰岩"} <= group
    assert "水泥用灰岩" not in group


def _output(report_id: str, licence_no: str, *, year: int = 2022, **kw: object) -> Output:
    fields: dict[str, object] = {"period": "annual", "mineral": None, "ore_mined_10kt": D(10)}
    fields.update(kw)
    return Output(report_id, f"e-{report_id}", licence_no, year, **fields)  # type: ignore[arg-type]


def test_iron_concentrate_counts_grade_62_and_above_only() -> None:
    facts = Facts(
        outputs=[
            _output("r1", "C1", products=(Product("铁精粉", D(62), D(30)),)),
            _output("r2", "C2", products=(Product("铁精粉", D("61.9"), D(40)),)),
            _output("r3", "C3", products=(Product("铁精粉", None, D(5)),)),
            _output("r4", "C4", products=(Product("铁精粉", D(65), D(8)),), year=2021),
        ],
        output_counts=plan.output_counts(DOCUMENT),
    )
    figure = measures.iron_concentrate(facts, 2022)
    assert figure.actual == 30
    assert [c.event_id for c in figure.contributions] == ["e-r1"]


def test_a_mines_annual_report_wins_over_its_quarters() -> None:
    facts = Facts(
        outputs=[
            _output("q1", "C1", period="Q1", ore_mined_10kt=D(2)),
            _output("a", "C1", period="annual", ore_mined_10kt=D(9)),
            _output("q2", "C2", period="Q2", ore_mined_10kt=D(3)),
            _output("q3", "C2", period="Q3", ore_mined_10kt=D(4)),
        ],
        licences=[
            measures.Licence("C1", "i1", "mining", "建筑石料", date(2015, 1, 1), False),
            measures.Licence("C2", "i2", "mining", "砂石土", date(2015, 1, 1), False),
        ],
        output_counts=plan.output_counts(DOCUMENT),
    )
    assert measures.building_stone(facts, 2022).actual == 9 + 3 + 4


def _version(no: str, event: str, on: date, status: str, scale: str = "small") -> LicenceVersion:
    return LicenceVersion(
        no, event, on, "mining", status, scale, "铁矿", date(2015, 1, 1), date(2030, 1, 1)
    )


def test_mines_at_year_end_take_the_state_in_force_on_31_december() -> None:
    versions = [
        _version("C1", "a", date(2015, 1, 1), "active", "medium"),
        _version("C1", "b", date(2023, 3, 1), "revoked", "medium"),
        _version("C2", "c", date(2015, 1, 1), "active"),
        _version("C2", "d", date(2022, 6, 1), "suspended"),  # still a licensed mine
        _version("C3", "e", date(2024, 2, 1), "active", "large"),
    ]
    facts = Facts(versions=versions)
    assert [m.licence_no for m in measures.mines_at_year_end(versions, 2022)] == ["C1", "C2"]
    assert measures.total_mines(facts, 2023).actual == 1
    assert measures.large_medium_ratio(facts, 2022).actual == 50
    assert measures.large_medium_ratio(facts, 2024).actual == 50


def test_cumulative_progress_counts_from_the_plans_first_year() -> None:
    facts = Facts(
        progress=[
            measures.Progress("p0", "e0", "geochem_survey", 2020, 3, None),
            measures.Progress("p1", "e1", "geochem_survey", 2022, 2, None),
            measures.Progress("p2", "e2", "geochem_survey", 2023, 2, None),
        ]
    )
    assert measures.survey_sheets(facts, 2021).actual is None
    assert measures.survey_sheets(facts, 2023).actual == 4
