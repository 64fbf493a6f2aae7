"""The facts of a mine's closure (闭坑) the bureau records before a cancellation (注销) can
pass the plan's closure duty (第五章第三节): the closure report received (矿山闭坑报告) and
the geological-environment restoration accepted (地质环境恢复治理验收).

They are recorded by the bureau, with their date and reference, not declared by the
applicant. A fact is recorded for a mining licence that may still be cancelled (active,
suspended or expired), dated no later than today (China Standard Time) and not before the
licence's validity began.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final, Literal, get_args

from .checks.context import ClosureFacts, ClosureRecord
from .licence import Licence, LicenceStatus

ClosureFactKind = Literal["closure_report", "restoration_acceptance"]
CLOSURE_FACT_KINDS: Final[tuple[ClosureFactKind, ...]] = get_args(ClosureFactKind)
CLOSURE_FACT_ZH: Final[dict[ClosureFactKind, str]] = {
    "closure_report": "矿山闭坑报告",
    "restoration_acceptance": "地质环境恢复治理验收",
}
DATE_FIELD: Final[dict[ClosureFactKind, str]] = {
    "closure_report": "received_on",
    "restoration_acceptance": "accepted_on",
}
"""The body field that carries each fact's date."""
CLOSABLE: Final[frozenset[LicenceStatus]] = frozenset({"active", "suspended", "expired"})
"""The statuses a licence may still be cancelled from (LICENCE_TRANSITIONS' ``cancel``)."""


def state_problem(licence: Licence) -> str | None:
    """Why no closure fact can be recorded for this licence (a 409), or None."""
    if licence.right_type != "mining":
        return (
            f"licence {licence.licence_no} is an exploration licence (勘查许可证); closure "
            "facts (闭坑) are recorded for mining licences"
        )
    if licence.status not in CLOSABLE:
        return (
            f"licence {licence.licence_no} is {licence.status}; closure facts are recorded "
            f"while it may still be cancelled ({', '.join(sorted(CLOSABLE))})"
        )
    return None


def date_problem(kind: ClosureFactKind, on: date, licence: Licence, today: date) -> str | None:
    """Why the fact's date cannot be right (a 422 naming the date field), or None."""
    if on > today:
        return f"{on.isoformat()} is in the future (today is {today.isoformat()}, CST)"
    if on < licence.valid_from:
        return (
            f"{on.isoformat()} is before licence {licence.licence_no} became valid "
            f"({licence.valid_from.isoformat()})"
        )
    return None


def latest_facts(
    licence_no: str, records: Iterable[tuple[ClosureFactKind, ClosureRecord]]
) -> ClosureFacts:
    """The facts that count: the last record of each kind, in the order recorded."""
    last: dict[ClosureFactKind, ClosureRecord] = {}
    for kind, record in records:
        last[kind] = record
    return ClosureFacts(
        licence_no=licence_no,
        closure_report=last.get("closure_report"),
        restoration_acceptance=last.get("restoration_acceptance"),
    )
