"""The supervision lists (监管名录): the abnormal list (异常名录) and the serious-violation
list (严重违法失信名单), keyed by the enterprise's credit code (统一社会信用代码).

=====================  ===================  ===============================================
reason_code            list                 listed when / released when
=====================  ===================  ===============================================
annual_report_missing  abnormal             a licence's annual report is missing after its
                                            deadline (the daily job, once per year) /
                                            by an inspector once every report of that year
                                            is filed (refused while one is still missing)
false_filing           abnormal             an inspection finds a filing false (虚假填报) /
                                            by an inspector with the reason it is remedied
serious_violation      serious_violation    by an inspector, with its reason and term /
                                            by the daily job when the term ends (期满), or
                                            by an inspector with a reason (信用修复)
=====================  ===================  ===============================================

The ground of the lists is 自然资源部令第13号 as the issue cites it (confidence:
unverified); the default term of a serious-violation listing is a setting
(``serious_violation_term_years``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, get_args

from .finding import Finding

ListName = Literal["abnormal", "serious_violation"]
"""异常名录 / 严重违法失信名单."""
LIST_NAMES: Final[tuple[ListName, ...]] = get_args(ListName)
LIST_ZH: Final[dict[ListName, str]] = {
    "abnormal": "异常名录",
    "serious_violation": "严重违法失信名单",
}

ReasonCode = Literal["annual_report_missing", "false_filing", "serious_violation"]
REASON_CODES: Final[tuple[ReasonCode, ...]] = get_args(ReasonCode)
LIST_OF: Final[dict[ReasonCode, ListName]] = {
    "annual_report_missing": "abnormal",
    "false_filing": "abnormal",
    "serious_violation": "serious_violation",
}

ListingStatus = Literal["listed", "released"]
TERM_ENDED: Final = "期满 — the term ended"
"""The release reason the daily job gives a serious-violation listing whose term ended."""


@dataclass(frozen=True)
class ListingGround:
    """Why an enterprise is to be listed: the reason and what listed it (``source_ref``:
    one listing per enterprise, reason code and source)."""

    credit_code: str
    reason_code: ReasonCode
    reason: str
    source_ref: str

    @property
    def list(self) -> ListName:
        return LIST_OF[self.reason_code]


def annual_report_source(year: int) -> str:
    """The ``source_ref`` of the listing for a year's missing annual report."""
    return f"annual_report_missing:{year}"


def missing_report_grounds(
    missing: Iterable[Finding], holders: dict[str, str]
) -> list[ListingGround]:
    """One ground per enterprise and year from the daily job's ``annual_report_missing``
    findings; ``holders`` maps a licence number to its holder's credit code."""
    by_enterprise: dict[tuple[str, int], list[str]] = {}
    for finding in missing:
        if finding.code != "annual_report_missing" or finding.licence_no not in holders:
            continue
        key = (holders[finding.licence_no], finding.year)
        by_enterprise.setdefault(key, []).append(finding.licence_no)
    return [
        ListingGround(
            credit_code=credit_code,
            reason_code="annual_report_missing",
            reason=(
                f"未按时报送{year}年度开发利用年报 — the {year} annual report is missing after "
                f"its deadline: {', '.join(sorted(licences))}"
            ),
            source_ref=annual_report_source(year),
        )
        for (credit_code, year), licences in sorted(by_enterprise.items())
    ]


def false_filing_ground(
    credit_code: str, inspection_id: str, licence_no: str, items: Iterable[str]
) -> ListingGround:
    """The abnormal-list ground of an inspection that found a false filing (虚假填报)."""
    return ListingGround(
        credit_code=credit_code,
        reason_code="false_filing",
        reason=(
            f"虚假填报 — the inspection {inspection_id} of {licence_no} found a false filing: "
            + ", ".join(items)
        ),
        source_ref=f"inspection:{inspection_id}",
    )


def year_of_source(source_ref: str) -> int | None:
    """The year of an ``annual_report_missing:<year>`` source, else None."""
    prefix, _, year = source_ref.partition(":")
    return int(year) if prefix == "annual_report_missing" and year.isdigit() else None


def term_end(listed_on: date, term_years: int) -> date:
    """The last day of a term of ``term_years`` from ``listed_on`` (29 February → 28th)."""
    year = listed_on.year + term_years
    try:
        return listed_on.replace(year=year)
    except ValueError:
        return listed_on.replace(year=year, day=28)


def term_ended(until: date | None, today: date) -> bool:
    """Whether a listing's term (``until``, inclusive) is over on ``today``."""
    return until is not None and today > until
