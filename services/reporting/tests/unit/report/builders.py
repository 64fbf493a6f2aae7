"""Annual report models for the renderers' tests, built on the real 专栏2 indicators.

Names, units, targets and clauses come from the bundled plan document; the year's figures
are invented (and the report says so: ``illustrative=True``). One holder's name is an
HTML/XML injection attempt, so every renderer is tested on hostile text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

from lode_common.plan.data import bundled_raw_document
from lode_reporting.domain import grants
from lode_reporting.report.model import (
    AnnualReport,
    ExplorationResult,
    FindingCount,
    FindingRow,
    Findings,
    IndicatorRow,
    IndicatorStatus,
    LicenceChange,
    MineralOutput,
    MineralReserves,
    MineRestoration,
    OutputValue,
    PlanRef,
    PreviousPlan,
    PreviousResult,
    Restoration,
    RestorationProject,
)

YEAR: Final = 2024
HOSTILE_HOLDER: Final = "<script>alert('x')</script>平泉&县<b>矿业</b>有限公司"
MINING_NO: Final = "C1308812021017120000001"
HOSTILE_NO: Final = "C1308812024017120000009"
EXPLORATION_NO: Final = "T1308812022017120000003"

CATEGORY_ZH: Final[dict[str, str]] = {
    "geochem_survey_sheets": "基础地质调查",
    "new_resources_molybdenum_ore": "矿产勘查",
    "iron_concentrate_output": "矿产资源合理开发利用与保护",
    "building_stone_output": "矿产资源合理开发利用与保护",
    "large_medium_mine_ratio": "矿业绿色高质量发展",
    "historical_restoration_area": "矿业绿色高质量发展",  # the blank cell of 专栏2 continues it
}
NAME_EN: Final[dict[str, str]] = {
    "geochem_survey_sheets": "1:50,000 regional geochemical survey",
    "new_resources_molybdenum_ore": "New resources (molybdenum ore)",
    "iron_concentrate_output": "Iron concentrate output (grade ≥ 62%)",
    "building_stone_output": "Building stone output",
    "large_medium_mine_ratio": "Share of large and medium mines",
    "historical_restoration_area": "Historical mine sites restored",
}
BASELINE_2020: Final[dict[str, Decimal | None]] = {
    "geochem_survey_sheets": Decimal(0),
    "new_resources_molybdenum_ore": None,
    "iron_concentrate_output": None,
    "building_stone_output": None,
    "large_medium_mine_ratio": Decimal("12.7"),  # 8 medium of 63 mines
    "historical_restoration_area": Decimal(100),
}
ACTUAL: Final[dict[str, tuple[Decimal | None, Decimal | None, IndicatorStatus]]] = {
    # id: (the year's figure, cumulative 2021..year, status)
    "geochem_survey_sheets": (Decimal(2), Decimal(5), IndicatorStatus.ON_TRACK),
    "new_resources_molybdenum_ore": (Decimal("120.5"), Decimal("310.25"), IndicatorStatus.AT_RISK),
    "iron_concentrate_output": (Decimal("186.40"), None, IndicatorStatus.ON_TRACK),
    "building_stone_output": (None, None, IndicatorStatus.NO_DATA),
    "large_medium_mine_ratio": (Decimal("21.3"), None, IndicatorStatus.NOT_MET),
    "historical_restoration_area": (Decimal(14), Decimal(52), IndicatorStatus.MET),
}


def plan_document() -> dict[str, Any]:
    return bundled_raw_document()


def plan_ref(document: dict[str, Any]) -> PlanRef:
    plan = document["plan"]
    first, last = plan["period"]
    return PlanRef(
        id=plan["id"],
        name_zh=plan["title_zh"],
        name_en=plan["title_en"],
        version=3,
        period=(first, last),
        region_zh=document["region"]["name_zh"],
        base_year=plan["base_year"],
        target_year=plan["target_year"],
    )


def indicator_rows(document: dict[str, Any]) -> tuple[IndicatorRow, ...]:
    """The six 专栏2 indicators with the year's figures, and a text target (矿山总数) in
    its category, after 大中型矿山比例."""
    indicators = document["indicators"]
    rows = []
    for item in indicators["items"]:
        actual, cumulative, status = ACTUAL[item["id"]]
        target = Decimal(str(item["target"]))
        rows.append(
            IndicatorRow(
                id=item["id"],
                category_zh=CATEGORY_ZH[item["id"]],
                name_zh=item["name_zh"],
                name_en=NAME_EN[item["id"]],
                unit_zh=item["unit_zh"],
                baseline_2020=BASELINE_2020[item["id"]],
                target=f"{target}±" if item.get("tolerance") else target,
                actual=actual,
                cumulative=cumulative,
                status=status,
                clause=item.get("detail_clause", indicators["clause"]),
                nature_zh=item.get("nature_zh"),
            )
        )
    cap = next(t for t in document["text_targets"] if t["id"] == "total_mines_cap")
    after = next(i for i, row in enumerate(rows) if row.id == "large_medium_mine_ratio") + 1
    rows.insert(
        after,
        IndicatorRow(
            id=cap["id"],
            category_zh=CATEGORY_ZH["large_medium_mine_ratio"],
            name_zh="矿山总数",
            name_en="Number of mines",
            unit_zh=cap["limit"]["unit_zh"],
            baseline_2020=Decimal(document["baseline_2020"]["licensed_mines"]),
            target=f"≤ {cap['limit']['max']}",
            actual=Decimal(58),
            status=IndicatorStatus.AT_RISK,
            clause=cap["clause"],
        ),
    )
    return tuple(rows)


def previous_plan(document: dict[str, Any]) -> PreviousPlan:
    """专栏1 as the plan file states it."""
    results = document["previous_plan_results"]
    return PreviousPlan(
        clause=results["clause"],
        rows=tuple(
            PreviousResult(
                category_zh=row["category"],
                indicator_zh=row["indicator"],
                unit_zh=row["unit"],
                target=row["target"].replace(">=", "≥")
                if isinstance(row["target"], str)
                else Decimal(str(row["target"])),
                achieved=Decimal(str(row["achieved"])),
                note=row.get("note"),
            )
            for row in results["rows"]
        ),
    )


def sample_report(*, illustrative: bool = True) -> AnnualReport:
    document = plan_document()
    return AnnualReport(
        plan=plan_ref(document),
        year=YEAR,
        as_of=date(2025, 3, 31),
        generated_at=datetime(2025, 4, 2, 1, 30, 15, tzinfo=UTC),
        indicators=indicator_rows(document),
        findings=Findings(
            counts=(
                FindingCount(code="three_rates_below_standard", opened=2, closed=1),
                FindingCount(code="annual_report_missing", opened=1, closed=0),
            ),
            items=(
                FindingRow(
                    licence_no=MINING_NO,
                    holder="平泉市宏达矿业有限公司",
                    mineral_zh="铁矿",
                    code="three_rates_below_standard",
                    severity="violation",
                    message="2024年开采回采率 72% 低于国家最低指标 75%（铁矿 地下开采）",
                    standard="国土资源部公告 2013年第21号; 第二章第三节 五; 第四章第四节",
                    opened_on=date(2024, 4, 12),
                    closed_on=date(2024, 6, 3),
                ),
                FindingRow(
                    licence_no=HOSTILE_NO,
                    holder=HOSTILE_HOLDER,
                    mineral_zh="建筑石料用灰岩",
                    code="annual_report_missing",
                    severity="warning",
                    message="2023年度开发利用年报逾期未交 <截至 3月31日> & 未补报",
                    standard="第六章第二节",
                    opened_on=date(2024, 4, 1),
                ),
            ),
        ),
        licences_issued=(
            LicenceChange(
                licence_no=HOSTILE_NO,
                holder=HOSTILE_HOLDER,
                mineral_zh="建筑石料用灰岩",
                scale="large",
                right_type="mining",
                change="issued",
                on=date(2024, 5, 20),
            ),
        ),
        licences_closed=(
            LicenceChange(
                licence_no="C1308812016019900000004",
                holder="平泉县七家岱铁矿",
                mineral_zh="铁矿",
                scale="small",
                right_type="mining",
                change="cancelled",
                on=date(2024, 9, 30),
                reason="位于禁止开采区，依法有序退出",
            ),
        ),
        restoration=Restoration(
            restored_cumulative_ha=Decimal("61.5"),
            projects=(
                RestorationProject(
                    project_id="qisheng_abandoned_mine_restoration",
                    name_zh="平泉县齐盛矿业有限公司等责任主体灭失矿山迹地综合治理工程",
                    site="卧龙镇",
                    restored_in_year_ha=Decimal("18.25"),
                    restored_cumulative_ha=Decimal("61.5"),
                ),
            ),
            mines=(
                MineRestoration(
                    licence_no=MINING_NO,
                    holder="平泉市宏达矿业有限公司",
                    mineral_zh="铁矿",
                    disturbed_area_ha=Decimal("3.0"),
                    restored_area_ha=Decimal("1.2"),
                    planned_restored_ha=Decimal("1.5"),
                ),
            ),
        ),
        output_by_mineral=(
            MineralOutput(
                mineral_zh="铁矿",
                ore_mined_10kt=Decimal("1250.5"),
                mines_reporting=17,
                output_value_cny_10k=Decimal(152000),
            ),
            MineralOutput(
                mineral_zh="建筑石料用灰岩",
                ore_mined_10kt=Decimal(362),
                mines_reporting=6,
                mines_without_value=6,
            ),
        ),
        output_value=OutputValue(
            total_cny_10k=Decimal(152000),
            baseline_year=2020,
            baseline_cny_100m=Decimal(
                str(document["baseline_2020"]["mining_output_value_cny_100m"])
            ),
            baseline_clause=document["previous_plan_results"]["clause"],
            mines_without_value=6,
        ),
        reserves_by_mineral=(
            MineralReserves(
                mineral_zh="铁矿",
                mines_reporting=17,
                closing_10kt=Decimal("8650.25"),
                used_10kt=Decimal("1480.5"),
                new_proven_10kt=Decimal(0),
                recalculated_10kt=Decimal("-12.5"),
            ),
            MineralReserves(mineral_zh="金矿", mines_reporting=0, mines_not_reporting=2),
        ),
        previous_plan=previous_plan(document),
        exploration_results=(
            ExplorationResult(
                mineral_zh="钼矿",
                new_resources_ore_10kt=Decimal("120.5"),
                licence_no=EXPLORATION_NO,
                holder="承德探矿工程有限公司",
            ),
        ),
        illustrative=illustrative,
    )


def empty_report() -> AnnualReport:
    """A year with indicators but no findings, licence changes, projects, output or results."""
    document = plan_document()
    return AnnualReport(
        plan=plan_ref(document),
        year=2021,
        as_of=date(2021, 12, 31),
        generated_at=datetime(2022, 1, 5, 8, 0, tzinfo=UTC),
        indicators=indicator_rows(document),
    )


GRANT_WINNER: Final = grants.Winner(name=HOSTILE_HOLDER, credit_code="91130881MA0A000023")
"""A winner whose name is the injection attempt: every format shows it as text."""


def sample_grants() -> grants.GrantYear:
    """2024's grants: one contracted with two instalments, one failed (流拍, reserve not
    reached), one announced a second time after a failed trade, one concluded."""
    updated = datetime(2024, 9, 1, tzinfo=UTC)
    common: dict[str, Any] = {"year": YEAR, "right_type": "mining", "method": "listing"}
    return grants.grant_year(
        [
            grants.Grant(
                grant_id="grant-0001",
                mineral="铁矿",
                status="contracted",
                announcement=1,
                announced_on=date(2024, 3, 1),
                trade_from=date(2024, 3, 29),
                trade_to=date(2024, 4, 12),
                starting_price_cny_10k=Decimal(1000),
                area_ha=Decimal("12.5"),
                winner=GRANT_WINNER,
                price_cny_10k=Decimal(1500),
                concluded_on=date(2024, 4, 12),
                publicity_until=date(2024, 4, 22),
                bidders=3,
                signed_on=date(2024, 5, 10),
                contract_ref="平自然资出让〔2024〕1号",
                instalments=(
                    grants.Instalment(due=date(2024, 6, 30), amount_cny_10k=Decimal(600)),
                    grants.Instalment(due=date(2025, 6, 30), amount_cny_10k=Decimal(900)),
                ),
                updated_at=updated,
                **common,
            ),
            grants.Grant(
                grant_id="grant-0002",
                mineral="铁矿",
                status="failed",
                announcement=1,
                announced_on=date(2024, 3, 5),
                trade_from=date(2024, 4, 2),
                trade_to=date(2024, 4, 16),
                starting_price_cny_10k=Decimal(800),
                failed_on=date(2024, 4, 16),
                failed_reason="reserve_not_reached",
                bidders=2,
                updated_at=updated,
                **common,
            ),
            grants.Grant(
                grant_id="grant-0003",
                mineral="建筑石料用灰岩",
                status="announced",
                announcement=2,
                announced_on=date(2024, 8, 1),
                trade_from=date(2024, 8, 29),
                trade_to=date(2024, 9, 11),
                starting_price_cny_10k=Decimal(180),
                failed_on=date(2024, 7, 1),
                failed_reason="no_bids",
                bidders=0,
                updated_at=updated,
                **common,
            ),
            grants.Grant(
                grant_id="grant-0004",
                mineral="建筑石料用灰岩",
                status="concluded",
                announcement=1,
                announced_on=date(2024, 2, 1),
                starting_price_cny_10k=Decimal(200),
                winner=grants.Winner(
                    name="平泉市示意建材有限公司", credit_code="91130881MA0A00004X"
                ),
                price_cny_10k=Decimal("260.5"),
                concluded_on=date(2024, 3, 15),
                publicity_until=date(2024, 3, 25),
                bidders=2,
                updated_at=updated,
                **common,
            ),
        ]
    )
