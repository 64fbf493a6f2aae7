"""Finding rules against the licence: capacity, status and restoration plan.

* :func:`over_capacity`: ore mined above the licensed capacity (超能力开采);
* :func:`production_while_inactive`: production while the licence was not active;
* :func:`restoration_behind_plan`: restoration behind the licence's plan (第五章第三节).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from .capacity import (
    CUBIC_METRES_10K_PER_YEAR,
    TONNES_PER_DAY,
    NotComparable,
    normalise_unit,
    ore_per_year_10kt,
)
from .finding import Finding, fmt, join_clauses, period_en, period_zh
from .licence import LICENCE_STATUS_ZH, LicenceView
from .periods import Period, cst_date, period_bounds
from .report import OutputReport
from .standards import MineralEntry, MonitoringStandards

_QUARTER = Decimal(1) / Decimal(4)


# --- capacity (生产规模) ---------------------------------------------------------------------


def over_capacity(
    report: OutputReport,
    licence: LicenceView,
    mineral: MineralEntry | None,
    standards: MonitoringStandards,
) -> list[Finding]:
    """Ore mined above the licensed capacity (超能力开采); a quarter gets a quarter of it.

    ``万立方米/年`` is compared at the catalogue density, ``t/d`` over the standards'
    working days a year. A capacity that cannot be compared gives an ``info`` finding
    saying why, rather than no finding at all.
    """
    where = period_zh(report.year, report.period)
    if licence.capacity is None:
        missing = NotComparable("the licence records no capacity", "许可证未载生产规模")
        return [_not_comparable(report, standards, missing)]
    capacity = licence.capacity
    days = standards.scale_classes.working_days_per_year
    per_year = ore_per_year_10kt(capacity, mineral, days)
    if isinstance(per_year, NotComparable):
        return [_not_comparable(report, standards, per_year)]
    share = Decimal(1) if report.period == "annual" else _QUARTER
    allowed = per_year * share
    ore = report.ore_mined_10kt
    if ore <= allowed:
        return []
    unit = normalise_unit(capacity.unit)
    density = mineral.density_t_per_m3 if mineral is not None else None
    share_zh = "" if share == 1 else "的四分之一"
    share_en = "" if share == 1 else "a quarter of "
    if unit == CUBIC_METRES_10K_PER_YEAR and density is not None:
        volume = ore / density
        measured_zh = (
            f"采出矿石 {fmt(ore)} 万吨（按 {fmt(density)} t/m³ 折 {fmt(volume, 2)} 万立方米）"
        )
        measured_en = (
            f"ore mined {fmt(ore)} 万吨 ({fmt(volume, 2)} 万立方米 at {fmt(density)} t/m³)"
        )
        limit = f"{fmt(capacity.value * share)} 万立方米" if share != 1 else ""
    else:
        measured_zh = f"采出矿石 {fmt(ore)} 万吨"
        measured_en = f"ore mined {fmt(ore)} 万吨"
        limit = f"{fmt(allowed)} 万吨" if share != 1 else ""
        if unit == TONNES_PER_DAY:
            quarter = " ÷ 4" if share != 1 else ""
            limit = f"{fmt(allowed)} 万吨 = {fmt(capacity.value)} t/d × {days} d{quarter}"
    return [
        Finding(
            code="over_capacity",
            severity="violation",
            licence_no=report.licence_no,
            year=report.year,
            period=report.period,
            message_zh=(
                f"{where}{measured_zh}，超过许可生产规模 {capacity}{share_zh}"
                + (f"（{limit}）" if limit else "")
                + "，超能力开采"
            ),
            message_en=(
                f"{period_en(report.year, report.period)}: {measured_en} exceeds "
                f"{share_en}the licensed capacity of {capacity}" + (f" ({limit})" if limit else "")
            ),
            standard_or_clause=join_clauses(
                f"采矿许可证 生产规模 {capacity}", standards.clauses.enforcement
            ),
            details={
                "ore_mined_10kt": ore,
                "allowed_ore_10kt": allowed,
                "excess_ore_10kt": ore - allowed,
                "capacity_value": capacity.value,
                "capacity_unit": capacity.unit,
                "share_of_year": share,
                "density_t_per_m3": density if unit == CUBIC_METRES_10K_PER_YEAR else None,
                "working_days_per_year": days if unit == TONNES_PER_DAY else None,
            },
        )
    ]


def _not_comparable(
    report: OutputReport, standards: MonitoringStandards, why: NotComparable
) -> Finding:
    return Finding(
        code="capacity_not_comparable",
        severity="info",
        licence_no=report.licence_no,
        year=report.year,
        period=report.period,
        message_zh=(
            f"无法核对{period_zh(report.year, report.period)}产量与许可生产规模：{why.reason_zh}"
        ),
        message_en=(
            f"{period_en(report.year, report.period)} output cannot be checked against the "
            f"licensed capacity: {why.reason}"
        ),
        standard_or_clause=join_clauses("采矿许可证 生产规模", standards.clauses.enforcement),
        details={"reason": why.reason},
    )


# --- licence status (许可证状态) --------------------------------------------------------------


def production_while_inactive(
    report: OutputReport,
    licence: LicenceView,
    standards: MonitoringStandards,
    today: date | datetime,
) -> list[Finding]:
    """Production reported for a period in which the licence was not active (暂扣, 到期,
    吊销, 注销): the whole licensed part of the period → violation; part of it → warning
    giving the days. Days before issue do not count; days after today (a period still
    running) are not judged yet."""
    if not report.has_production:
        return []
    first, last = period_bounds(report.year, report.period)
    last = min(last, cst_date(today))
    licensed, inactive = licence.inactive_days(first, last)
    total = sum(inactive.values())
    if licensed == 0 or total == 0:
        return []
    whole = total == licensed
    statuses_zh = "、".join(f"{LICENCE_STATUS_ZH[s]} {n} 天" for s, n in sorted(inactive.items()))
    statuses_en = ", ".join(f"{s} {n} days" for s, n in sorted(inactive.items()))
    extent_zh = "整个报告期" if whole else f"报告期内 {total} 天（共 {licensed} 天）"
    extent_en = "the whole period" if whole else f"{total} of {licensed} days of the period"
    return [
        Finding(
            code="production_while_inactive",
            severity="violation" if whole else "warning",
            licence_no=report.licence_no,
            year=report.year,
            period=report.period,
            message_zh=(
                f"{period_zh(report.year, report.period)}报告有生产，但许可证{extent_zh}"
                f"不在有效状态（{statuses_zh}）"
            ),
            message_en=(
                f"{period_en(report.year, report.period)}: production reported while the "
                f"licence was not active for {extent_en} ({statuses_en})"
            ),
            standard_or_clause=join_clauses(
                "采矿许可证 有效期/状态", standards.clauses.enforcement
            ),
            details={
                "inactive_days": total,
                "licensed_days": licensed,
                "inactive_days_by_status": dict(sorted(inactive.items())),
                "judged_until": last.isoformat(),
            },
        )
    ]


# --- restoration (矿山地质环境恢复治理) --------------------------------------------------------


def cumulative_areas(
    reports: Iterable[OutputReport], licence_no: str, up_to_year: int
) -> tuple[Decimal, Decimal]:
    """Cumulative (disturbed, restored) hectares of a licence to the end of ``up_to_year``.

    A year counts its annual report when there is one, else the sum of its quarterly
    reports (never both). A missing area counts as zero. Later reports in ``reports``
    replace earlier ones for the same year and period (pass the latest versions).
    """
    latest: dict[tuple[int, Period], OutputReport] = {}
    for report in reports:
        if report.licence_no == licence_no and report.year <= up_to_year:
            latest[(report.year, report.period)] = report
    disturbed = restored = Decimal(0)
    for year in sorted({year for year, _ in latest}):
        annual = latest.get((year, "annual"))
        counted = (
            [annual]
            if annual is not None
            else [r for (y, p), r in latest.items() if y == year and p != "annual"]
        )
        for report in counted:
            disturbed += report.disturbed_area_ha or Decimal(0)
            restored += report.restored_area_ha or Decimal(0)
    return disturbed, restored


def restoration_behind_plan(
    report: OutputReport,
    licence: LicenceView,
    standards: MonitoringStandards,
    history: Sequence[OutputReport] = (),
) -> list[Finding]:
    """Cumulative restored area behind the licence's restoration plan at the end of the
    report's year (annual reports only): below the milestone's hectares, or below its
    percentage of the cumulative disturbed area."""
    plan = licence.restoration_plan
    milestone = plan.expected_by(report.year) if plan is not None else None
    if report.period != "annual" or milestone is None:
        return []
    disturbed, restored = cumulative_areas([*history, report], licence.licence_no, report.year)
    short_zh: list[str] = []
    short_en: list[str] = []
    if milestone.restored_ha is not None and restored < milestone.restored_ha:
        short_zh.append(
            f"累计治理 {fmt(restored)} 公顷，方案要求 {fmt(milestone.restored_ha)} 公顷"
        )
        short_en.append(
            f"{fmt(restored)} ha restored in total, {fmt(milestone.restored_ha)} ha planned"
        )
    pct = milestone.restored_pct
    if pct is not None and disturbed > 0 and restored * 100 < pct * disturbed:
        actual = restored * 100 / disturbed
        short_zh.append(
            f"治理率 {fmt(actual, 2)}%（{fmt(restored)}/{fmt(disturbed)} 公顷），"
            f"方案要求 {fmt(pct)}%"
        )
        short_en.append(
            f"{fmt(actual, 2)}% of the {fmt(disturbed)} ha disturbed restored, {fmt(pct)}% planned"
        )
    if not short_zh:
        return []
    return [
        Finding(
            code="restoration_behind_plan",
            severity="warning",
            licence_no=report.licence_no,
            year=report.year,
            message_zh=(
                f"截至{report.year}年底矿山地质环境恢复治理落后于方案（{milestone.year}年目标）："
                + "；".join(short_zh)
            ),
            message_en=(
                f"restoration at the end of {report.year} is behind the licence's plan "
                f"(milestone {milestone.year}): " + "; ".join(short_en)
            ),
            standard_or_clause=join_clauses(
                "矿山地质环境保护与土地复垦方案", standards.clauses.restoration
            ),
            details={
                "cumulative_disturbed_ha": disturbed,
                "cumulative_restored_ha": restored,
                "milestone_year": milestone.year,
                "expected_restored_ha": milestone.restored_ha,
                "expected_restored_pct": milestone.restored_pct,
            },
        )
    ]
