"""The finding rules (核查规则): pure functions from a report, a licence and the standards.

Each rule returns zero or more :class:`~.finding.Finding`; :func:`evaluate` runs every
rule on one report, :func:`missing_reports` is the daily deadline check. Thresholds are
strict: a value *at* a minimum or *at* capacity is fine.

============================  =========  =================================================
code                          severity   when
============================  =========  =================================================
three_rates_below_standard    violation  a rate below the national minimum (第四章第四节);
                              warning    …when that minimum's confidence is ``unverified``
over_capacity                 violation  ore mined above the licensed capacity (超能力开采)
capacity_not_comparable       info       no capacity, or one that cannot be converted
production_while_inactive     violation  production while the licence was inactive for
                                         the whole (licensed part of the) period
                              warning    …for part of it (the days are given)
prohibited_mineral_mined      warning    a 专栏4 prohibited mineral still produced: the
                                         right is to exit (依法有序逐步退出), not yet illegal
restoration_behind_plan       warning    cumulative restoration behind the licence's
                                         restoration plan (第五章第三节)
mineral_not_in_catalogue      info       the licence's mineral is unknown to the standards
annual_report_missing         warning    no annual report after its deadline (31 March, a setting)
============================  =========  =================================================

The reserves report's rules (储量年报) are in :mod:`.reserves_rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import partial
from typing import Protocol

from .finding import (
    DEADLINE_CODES,
    REPORT_CODES,
    Finding,
    FindingCode,
    Severity,
    finding_key,
    join_clauses,
    reconcile,
)
from .licence import LicenceView
from .licence_rules import (
    cumulative_areas,
    over_capacity,
    production_while_inactive,
    restoration_behind_plan,
)
from .periods import MonthDay, annual_report_deadline, cst_date
from .report import OutputReport
from .standard_rules import prohibited_mineral_mined, three_rates_below_standard
from .standards import MonitoringStandards

__all__ = [
    "DEADLINE_CODES",
    "REPORT_CODES",
    "Finding",
    "FindingCode",
    "ReportIdentity",
    "Severity",
    "cumulative_areas",
    "evaluate",
    "finding_key",
    "missing_filings",
    "missing_reports",
    "over_capacity",
    "overdue",
    "production_while_inactive",
    "prohibited_mineral_mined",
    "reconcile",
    "restoration_behind_plan",
    "three_rates_below_standard",
]


# --- everything for one report -----------------------------------------------------------------


def evaluate(
    report: OutputReport,
    licence: LicenceView,
    standards: MonitoringStandards,
    today: date | datetime,
    *,
    history: Sequence[OutputReport] = (),
) -> list[Finding]:
    """Every finding for one report of ``licence``. ``history`` is the licence's other
    reports (latest versions; the report itself may be among them, it is replaced), used
    for cumulative restoration. ``today`` is a CST date or an aware clock reading."""
    if report.licence_no != licence.licence_no:
        raise ValueError(
            f"report for {report.licence_no} evaluated with licence {licence.licence_no}"
        )
    mineral = standards.catalogue.lookup(licence.mineral)
    findings: list[Finding] = []
    if mineral is None:
        findings.append(_unknown_mineral(report, licence))
    else:
        findings += three_rates_below_standard(report, licence, mineral, standards)
    findings += over_capacity(report, licence, mineral, standards)
    findings += production_while_inactive(report, licence, standards, today)
    if mineral is not None:
        findings += prohibited_mineral_mined(report, mineral, standards)
    findings += restoration_behind_plan(report, licence, standards, history)
    return findings


def _unknown_mineral(report: OutputReport, licence: LicenceView) -> Finding:
    return Finding(
        code="mineral_not_in_catalogue",
        severity="info",
        licence_no=report.licence_no,
        year=report.year,
        period=report.period,
        message_zh=f"许可证矿种 {licence.mineral} 不在矿种目录中，三率等核查未进行",
        message_en=(
            f"the licence's mineral {licence.mineral!r} is not in the mineral catalogue: "
            "three rates and mineral policy were not checked"
        ),
        standard_or_clause="standards.mineral_catalogue",
        details={"mineral": licence.mineral},
    )


# --- the reporting deadline (年报截止) --------------------------------------------------------


class ReportIdentity(Protocol):
    """What identifies a filed report: licence, year and period (an OutputReport has them)."""

    @property
    def licence_no(self) -> str: ...

    @property
    def year(self) -> int: ...

    @property
    def period(self) -> str: ...


def overdue(
    licences: Iterable[LicenceView],
    filed: Collection[tuple[str, int]],
    today: date | datetime,
    deadline: Callable[[int], date],
    *,
    first_year: int | None = None,
) -> Iterator[tuple[LicenceView, int, date]]:
    """Each mining licence and year Y with no filing (``(licence_no, year)`` not in
    ``filed``) once today (CST) is past ``deadline(Y)``, for every year the licence was
    active on at least one day, with that deadline. Years before ``first_year`` (e.g. the
    plan period's first year) are not asked for. Exploration licences file neither output
    nor reserves reports: never overdue here. The machinery of every filing deadline."""
    today = cst_date(today)
    for licence in licences:
        if licence.right_type != "mining":
            continue
        start = max(licence.valid_from.year, first_year or licence.valid_from.year)
        for year in range(start, min(today.year - 1, licence.valid_to.year) + 1):
            due = deadline(year)
            if today <= due or (licence.licence_no, year) in filed:
                continue
            if not licence.active_in(date(year, 1, 1), date(year, 12, 31)):
                continue
            yield licence, year, due


def missing_filings(
    code: FindingCode,
    overdue_years: Iterable[tuple[LicenceView, int, date]],
    *,
    filing_zh: str,
    filing_en: str,
    due_zh: str,
    clause: str | None,
) -> list[Finding]:
    """A warning ``code`` for each overdue filing (:func:`overdue`'s licence, year and
    deadline): ``filing_zh`` / ``filing_en`` name the filing in the message, ``due_zh`` its
    deadline in the citation, beside ``clause``."""
    return [
        Finding(
            code=code,
            severity="warning",
            licence_no=licence.licence_no,
            year=year,
            message_zh=f"{year}年度{filing_zh}逾期未报（截止 {deadline}）",
            message_en=f"no {filing_en} for {year}; it was due by {deadline} (CST)",
            standard_or_clause=join_clauses(f"{due_zh} {deadline.month}月{deadline.day}日", clause),
            details={"deadline": deadline.isoformat()},
        )
        for licence, year, deadline in overdue_years
    ]


def missing_reports(
    licences: Iterable[LicenceView],
    reports: Iterable[ReportIdentity],
    today: date | datetime,
    *,
    due: MonthDay,
    first_year: int | None = None,
    standards: MonitoringStandards | None = None,
) -> list[Finding]:
    """``annual_report_missing`` for each mining licence and year Y with no annual report
    once today (CST) is past ``due`` of Y+1 (31 March by default, a setting), for every
    year the licence was active on at
    least one day (:func:`overdue`). Years before ``first_year`` (e.g. the plan period's
    first year) are not asked for. ``standards``, when given, adds the plan's enforcement
    clause (第六章 三) to the citation."""
    enforcement_clause = standards.clauses.enforcement if standards is not None else None
    filed = {(r.licence_no, r.year) for r in reports if r.period == "annual"}
    return missing_filings(
        "annual_report_missing",
        overdue(
            licences,
            filed,
            today,
            partial(annual_report_deadline, due=due),
            first_year=first_year,
        ),
        filing_zh="开发利用年报",
        filing_en="annual report",
        due_zh="年报截止",
        clause=enforcement_clause,
    )
