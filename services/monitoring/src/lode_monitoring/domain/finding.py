"""A finding (发现的问题) and its stable key, and reconciling open findings with new ones.

A finding is opened once and closed when a corrected report (or the daily job) no longer
produces it. Its :attr:`Finding.key` is ``code:licence_no:year`` plus ``:Qn`` for a
quarterly report, ``:rate`` for a three-rate finding and ``:mineral`` for a reserves
report's finding, e.g.
``three_rates_below_standard:C1308812021017120000001:2021:mining_recovery``; it does not
depend on the message or severity, so rewording a message never reopens a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal, get_args

from .periods import PERIOD_ZH, Period

Severity = Literal["info", "warning", "violation"]
"""提示 / 警告 / 违规."""

FindingCode = Literal[
    "three_rates_below_standard",
    "over_capacity",
    "capacity_not_comparable",
    "production_while_inactive",
    "prohibited_mineral_mined",
    "restoration_behind_plan",
    "mineral_not_in_catalogue",
    "annual_report_missing",
    "reserves_discontinuity",
    "extraction_mismatch",
    "recovery_implied_low",
    "service_years_short",
    "reserves_report_missing",
    "inspection_discrepancy",
]
FINDING_CODES: Final[tuple[FindingCode, ...]] = get_args(FindingCode)

RESERVES_CODES: Final[frozenset[FindingCode]] = frozenset(
    {"reserves_discontinuity", "extraction_mismatch", "recovery_implied_low", "service_years_short"}
)
"""The codes :func:`~.reserves_rules.evaluate_reserves` produces for a reserves report
(储量年报): the scope to reconcile its result with (with its licence, year and mineral)."""

DEADLINE_CODES: Final[frozenset[FindingCode]] = frozenset(
    {"annual_report_missing", "reserves_report_missing"}
)
"""The codes the daily deadline job produces (:func:`~.findings.missing_reports`,
:func:`~.reserves_rules.missing_reserves_reports`): its scope."""

INSPECTION_CODES: Final[frozenset[FindingCode]] = frozenset({"inspection_discrepancy"})
"""The codes an inspection (现场检查) opens (:func:`~.inspection.discrepancy`): closed by
staff or rectification, never by a report."""

REPORT_CODES: Final[frozenset[FindingCode]] = (
    frozenset(FINDING_CODES) - DEADLINE_CODES - RESERVES_CODES - INSPECTION_CODES
)
"""The codes :func:`~.findings.evaluate` produces for an output report: the scope to
reconcile its result with (with the report's licence, year and period)."""


def finding_key(
    code: str, licence_no: str, year: int, period: Period = "annual", subject: str | None = None
) -> str:
    """The stable key of a finding: code, licence, year [, quarter] [, subject]."""
    parts = [code, licence_no, str(year)]
    if period != "annual":
        parts.append(period)
    if subject is not None:
        parts.append(subject)
    return ":".join(parts)


@dataclass(frozen=True)
class Finding:
    """One problem found in a report or a licence's reporting (监管发现).

    ``standard_or_clause`` names the national standard (with its source and, when
    unverified, its confidence) or the plan clause the finding enforces. ``details``
    holds the figures used (quantities as ``Decimal``), for the record and for display.
    ``subject`` narrows the key (the rate of a three-rate finding).
    """

    code: FindingCode
    severity: Severity
    licence_no: str
    year: int
    message_zh: str
    message_en: str
    standard_or_clause: str
    details: Mapping[str, object] = field(default_factory=dict)
    period: Period = "annual"
    subject: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @property
    def key(self) -> str:
        return finding_key(self.code, self.licence_no, self.year, self.period, self.subject)


def reconcile(
    open_keys: Iterable[str], new_findings: Iterable[Finding]
) -> tuple[list[Finding], list[str]]:
    """Which new findings to open and which open keys to close.

    ``open_keys`` must be the keys of the open findings *in the scope that was
    re-evaluated* (for a report: its licence, year and period, codes in
    :data:`REPORT_CODES`; for the daily job: :data:`DEADLINE_CODES`), or findings out of
    scope would be closed. A key both open and found again stays open and is in neither
    list. New findings with the same key count once (the first).
    """
    open_list = list(dict.fromkeys(open_keys))
    found: dict[str, Finding] = {}
    for finding in new_findings:
        found.setdefault(finding.key, finding)
    already = set(open_list)
    to_open = [finding for key, finding in found.items() if key not in already]
    to_close = [key for key in open_list if key not in found]
    return to_open, to_close


def fmt(number: Decimal, places: int = 4) -> str:
    """A decimal for a message: exact when short, else rounded to ``places`` decimals."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        number = number.quantize(Decimal(1).scaleb(-places))
    return format(number.normalize(), "f")


def join_clauses(*parts: str | None) -> str:
    """Citations joined with ``; `` (absent ones left out)."""
    return "; ".join(p for p in parts if p)


def period_en(year: int, period: Period) -> str:
    """``2021`` or ``2021 Q1``."""
    return f"{year}" if period == "annual" else f"{year} {period}"


def period_zh(year: int, period: Period) -> str:
    """``2021年`` or ``2021年第一季度``."""
    return f"{year}年" if period == "annual" else f"{year}年{PERIOD_ZH[period]}"
