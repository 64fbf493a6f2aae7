"""The reserves report's finding rules (储量年报核查): pure functions from a report, its
licence, the standards and the bureau's :class:`~.reserves.ReservesPolicy`.

Thresholds are strict: a value *at* a minimum or *at* the tolerance is fine. A finding's
``subject`` is the report's mineral (one report per licence, year and mineral).

============================  =========  =================================================
code                          severity   when
============================  =========  =================================================
reserves_discontinuity        warning    the year's opening is not last year's closing
extraction_mismatch           warning    extracted differs from the year's ore mined (the
                                         annual output report) by more than the bureau's
                                         tolerance (a setting, not a figure of law)
recovery_implied_low          violation  extracted ÷ (extracted + lost) below the national
                                         开采回采率 minimum for the licence;
                              warning    …when that minimum's confidence is ``unverified``
service_years_short           warning    closing ÷ licensed capacity (万吨/年) below the
                                         minimum service years of the licence's scale
reserves_report_missing       warning    no reserves report after the filing deadline
                                         (a setting, 31 January by default)
============================  =========  =================================================

The three comparisons with the licence (ore mined, 开采回采率, service years) are made for
the licence's own mineral only (:attr:`~.reserves.ReservesReport.main`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from .capacity import NotComparable, capacity_scale, ore_per_year_10kt
from .finding import Finding, FindingCode, Severity, fmt, join_clauses
from .findings import missing_filings, overdue
from .licence import LicenceView
from .report import OutputReport
from .reserves import ReservesPolicy, ReservesReport
from .standards import MineralEntry, MonitoringStandards, standard_zh
from .vocabulary import SCALE_ZH, UNVERIFIED

_HUNDRED: Final = Decimal(100)
_CENT: Final = Decimal("0.01")
_TENTH: Final = Decimal("0.1")


def evaluate_reserves(
    report: ReservesReport,
    licence: LicenceView,
    standards: MonitoringStandards,
    policy: ReservesPolicy,
    *,
    previous: ReservesReport | None = None,
    output: OutputReport | None = None,
) -> list[Finding]:
    """Every finding for one reserves report of ``licence``: ``previous`` is last year's
    report of the same mineral (current version), ``output`` the year's annual output
    report (current version), each None when there is none."""
    if report.licence_no != licence.licence_no:
        raise ValueError(
            f"report for {report.licence_no} evaluated with licence {licence.licence_no}"
        )
    findings = reserves_discontinuity(report, previous, policy)
    if not report.main:
        return findings
    mineral = standards.catalogue.lookup(licence.mineral)
    findings += extraction_mismatch(report, output, policy)
    if mineral is not None:
        findings += recovery_implied_low(report, licence, mineral, standards)
        findings += service_years_short(report, licence, mineral, standards)
    return findings


def _finding(
    report: ReservesReport,
    *,
    code: FindingCode,
    severity: Severity,
    message_zh: str,
    message_en: str,
    standard_or_clause: str,
    details: Mapping[str, object],
) -> Finding:
    """A finding of ``report``, keyed by its licence, year and mineral."""
    return Finding(
        code=code,
        severity=severity,
        licence_no=report.licence_no,
        year=report.year,
        message_zh=message_zh,
        message_en=message_en,
        standard_or_clause=standard_or_clause,
        details=details,
        subject=report.mineral,
    )


# --- continuity (期初保有 = 上年期末保有) ---------------------------------------------------


def reserves_discontinuity(
    report: ReservesReport, previous: ReservesReport | None, policy: ReservesPolicy
) -> list[Finding]:
    """The year's opening reserves are not last year's closing (no finding without a
    report for last year)."""
    if previous is None or previous.closing_10kt == report.opening_10kt:
        return []
    gap = report.opening_10kt - previous.closing_10kt
    return [
        _finding(
            report,
            code="reserves_discontinuity",
            severity="warning",
            message_zh=(
                f"{report.year}年{report.mineral}年初保有 {fmt(report.opening_10kt)} 万吨"
                f"不等于{previous.year}年年末保有 {fmt(previous.closing_10kt)} 万吨"
                f"（相差 {fmt(gap)} 万吨；重算应填报为重算增减）"
            ),
            message_en=(
                f"{report.year} opening reserves of {report.mineral} ({fmt(report.opening_10kt)} "
                f"万吨) are not {previous.year}'s closing ({fmt(previous.closing_10kt)} 万吨): "
                f"a gap of {fmt(gap)} 万吨; a recalculation belongs in recalculated_10kt"
            ),
            standard_or_clause=join_clauses(policy.source, "年初保有 = 上年年末保有"),
            details={
                "opening_10kt": report.opening_10kt,
                "previous_closing_10kt": previous.closing_10kt,
                "gap_10kt": gap,
                "previous_year": previous.year,
            },
        )
    ]


# --- extraction against the output report ---------------------------------------------------


def extraction_mismatch(
    report: ReservesReport, output: OutputReport | None, policy: ReservesPolicy
) -> list[Finding]:
    """``extracted_10kt`` differs from the year's annual ``ore_mined_10kt`` by more than
    ``policy.extraction_tolerance_pct`` of the latter (any extraction when none was mined).
    No annual output report, no finding: its absence is ``annual_report_missing``'s."""
    if output is None or output.period != "annual":
        return []
    mined, extracted = output.ore_mined_10kt, report.extracted_10kt
    difference = extracted - mined
    tolerance = policy.extraction_tolerance_pct
    if abs(difference) * _HUNDRED <= tolerance * mined and not (mined == 0 and extracted > 0):
        return []
    share = (
        (abs(difference) * _HUNDRED / mined).quantize(_CENT, rounding=ROUND_HALF_UP)
        if mined > 0
        else None
    )
    share_text = f"{fmt(share)}%" if share is not None else "—"
    return [
        _finding(
            report,
            code="extraction_mismatch",
            severity="warning",
            message_zh=(
                f"{report.year}年储量年报开采量 {fmt(extracted)} 万吨与开发利用年报采出矿石量 "
                f"{fmt(mined)} 万吨相差 {fmt(difference)} 万吨（{share_text}），"
                f"超过容差 {fmt(tolerance)}%"
            ),
            message_en=(
                f"{report.year} reserves report: extracted {fmt(extracted)} 万吨 differs from "
                f"the annual report's ore mined {fmt(mined)} 万吨 by {fmt(difference)} 万吨 "
                f"({share_text}), beyond the tolerance of {fmt(tolerance)}%"
            ),
            standard_or_clause=join_clauses(
                f"容差 {fmt(tolerance)}%: {policy.extraction_tolerance_source}", policy.source
            ),
            details={
                "extracted_10kt": extracted,
                "ore_mined_10kt": mined,
                "difference_10kt": difference,
                "difference_pct": share,
                "tolerance_pct": tolerance,
            },
        )
    ]


# --- 开采回采率 implied by the reserves used ------------------------------------------------------


def recovery_implied_low(
    report: ReservesReport,
    licence: LicenceView,
    mineral: MineralEntry,
    standards: MonitoringStandards,
) -> list[Finding]:
    """The mining recovery the report implies, extracted ÷ (extracted + lost), below the
    national 开采回采率 minimum monitoring selects for the licence (method, scale, ore
    type: :mod:`.three_rates`). Compared exactly (no division); nothing used, no finding."""
    used = report.used_10kt
    if used == 0:
        return []
    scale = licence.scale or capacity_scale(
        licence.capacity, mineral, licence.mining_method, standards.scale_classes
    )
    applicable = standards.three_rates.minimum_for(
        standard_zh(mineral),
        "mining_recovery",
        method=licence.mining_method,
        scale=scale,
        ore_type=licence.ore_type,
    )
    if applicable is None:
        return []
    minimum = applicable.minimum
    if report.extracted_10kt * _HUNDRED >= minimum.minimum_pct * used:
        return []
    implied = (report.extracted_10kt * _HUNDRED / used).quantize(_CENT, rounding=ROUND_HALF_UP)
    source = minimum.source or "source not stated"
    confidence = f" (confidence: {minimum.confidence})" if minimum.unverified else ""
    caveat_zh = "；该国家指标的可信度为“未核实”（unverified），请核对" if minimum.unverified else ""
    caveat_en = (
        "; the national figure's confidence is unverified: check it" if minimum.unverified else ""
    )
    return [
        _finding(
            report,
            code="recovery_implied_low",
            severity="warning" if minimum.unverified else "violation",
            message_zh=(
                f"{report.year}年储量年报隐含开采回采率 {fmt(implied)}%"
                f"（开采量 {fmt(report.extracted_10kt)} ÷ "
                f"(开采量 + 损失量 {fmt(report.lost_10kt)})）"
                f"低于国家最低指标 {fmt(minimum.minimum_pct)}%（{minimum.mineral_zh}，{source}）"
                + caveat_zh
            ),
            message_en=(
                f"{report.year} reserves report: the implied mining recovery (开采回采率) "
                f"{fmt(implied)}% = extracted {fmt(report.extracted_10kt)} ÷ (extracted + lost "
                f"{fmt(report.lost_10kt)}) is below the national minimum of "
                f"{fmt(minimum.minimum_pct)}% for {minimum.mineral_zh}, source: {source}"
                + caveat_en
            ),
            standard_or_clause=join_clauses(source + confidence, standards.clauses.three_rates),
            details={
                "implied_pct": implied,
                "minimum_pct": minimum.minimum_pct,
                "extracted_10kt": report.extracted_10kt,
                "lost_10kt": report.lost_10kt,
                "mineral_zh": minimum.mineral_zh,
                "method": minimum.method,
                "scale": scale,
                "unknown_inputs": list(applicable.unknown_inputs),
                "source": minimum.source,
                "confidence": minimum.confidence,
            },
        )
    ]


# --- service years (服务年限) ----------------------------------------------------------------


def service_years_short(
    report: ReservesReport,
    licence: LicenceView,
    mineral: MineralEntry,
    standards: MonitoringStandards,
) -> list[Finding]:
    """Closing reserves ÷ the licensed capacity as 万吨 of ore a year (万立方米/年 at the
    catalogue density, t/d over the standards' working days) below the minimum service
    years of the licence's scale (合理的服务年限). Compared exactly (closing < years ×
    capacity); no capacity, one that cannot be converted, or no scale: no finding."""
    if licence.capacity is None:
        return []
    per_year = ore_per_year_10kt(
        licence.capacity, mineral, standards.scale_classes.working_days_per_year
    )
    if isinstance(per_year, NotComparable) or per_year <= 0:
        return []
    scale = licence.scale or capacity_scale(
        licence.capacity, mineral, licence.mining_method, standards.scale_classes
    )
    if scale is None:
        return []
    table = standards.min_service_years
    minimum = table.of(scale)
    if report.closing_10kt >= minimum * per_year:
        return []
    years = (report.closing_10kt / per_year).quantize(_TENTH, rounding=ROUND_HALF_UP)
    source = table.source or "source not stated"
    confidence = table.confidence or "not stated"
    unverified = table.confidence == UNVERIFIED
    return [
        _finding(
            report,
            code="service_years_short",
            severity="warning",
            message_zh=(
                f"{report.year}年末保有 {fmt(report.closing_10kt)} 万吨，按生产规模 "
                f"{fmt(per_year)} 万吨/年 可采约 {fmt(years)} 年，短于{SCALE_ZH[scale]}矿山"
                f"最低服务年限 {minimum} 年"
                + ("（该指标可信度为“未核实”，请核对）" if unverified else "")
            ),
            message_en=(
                f"closing reserves at the end of {report.year}, {fmt(report.closing_10kt)} 万吨, "
                f"last about {fmt(years)} years at the licensed {fmt(per_year)} 万吨/年: "
                f"short of the {minimum} years for a {scale} mine"
                + ("; the figure's confidence is unverified: check it" if unverified else "")
            ),
            standard_or_clause=f"min_service_years_by_scale: {source} (confidence: {confidence})",
            details={
                "closing_10kt": report.closing_10kt,
                "capacity_10kt_per_year": per_year,
                "capacity": str(licence.capacity),
                "service_years": years,
                "min_service_years": minimum,
                "scale": scale,
                "source": table.source,
                "confidence": table.confidence,
            },
        )
    ]


# --- the filing deadline (储量年报截止) ------------------------------------------------------


def missing_reserves_reports(
    licences: Iterable[LicenceView],
    filed: Collection[tuple[str, int]],
    today: date | datetime,
    policy: ReservesPolicy,
    *,
    first_year: int | None = None,
) -> list[Finding]:
    """``reserves_report_missing`` for each mining licence and year with no reserves report
    (of any mineral: ``filed`` holds ``(licence_no, year)``) once today (CST) is past the
    policy's deadline, for every year the licence was active on at least one day
    (:func:`~.findings.overdue`, the machinery of ``annual_report_missing``)."""
    return missing_filings(
        "reserves_report_missing",
        overdue(licences, filed, today, policy.deadline, first_year=first_year),
        filing_zh="储量年报",
        filing_en="reserves report",
        due_zh="储量年报截止",
        clause=policy.source,
    )
