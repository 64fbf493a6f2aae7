"""The applicant's standing (申请人信用状况, ``applicant_standing``): an enterprise on a
supervision list (监管名录: the abnormal list 矿业权人勘查开采信息异常名录, or the
serious-violation list 严重违法失信名单) that monitoring announced and has not released is
refused a new right.

Which applications it applies to, and how (Lode's reading; see :data:`CLAUSE`):

* ``new`` (新立): the applicant's listing fails it;
* ``transfer`` (转让): the party acquiring the right (``new_holder``) is the one read, and
  its listing fails it, as for a new right;
* ``renewal`` (延续) and ``change`` (变更) of a right already held: a listing sends it to
  review, for the officer to weigh; the measures the rules attach to the lists are not
  read here as barring the holder from keeping its right;
* ``cancellation`` (注销) and a grant's own reading (出让方案): not applied.
"""

from __future__ import annotations

from typing import Final

from ..application import Application
from ..grant_law import LIST_ZH
from ..party import Party
from ..vocabulary import ApplicationKind, Outcome
from .context import Listing
from .result import CheckResult

APPLICANT_STANDING: Final = "applicant_standing"

CLAUSE: Final = (
    "《矿业权人勘查开采信息管理办法》（自然资源部令第13号，2024年7月1日起施行）关于异常名录和"
    "严重失信主体管理措施的规定，条号未核对 (the Ministry's Order No. 13 on the abnormal list "
    "and the serious-violation list and the measures attached to them; article not checked "
    "against the official text, unverified); docs/contracts/PROCEDURES.md (Supervision and "
    "enforcement): licensing refuses a listed enterprise's new application"
)

LISTED_OUTCOME: Final[dict[ApplicationKind, Outcome]] = {
    "new": "fail",
    "transfer": "fail",
    "renewal": "review",
    "change": "review",
}
"""What a listing makes of the check, by kind of application; kinds absent: not applied."""


def applies(application: Application) -> bool:
    """Whether the check reads this application (an applicant's, of a kind it concerns)."""
    return (
        not application.granting
        and application.kind in LISTED_OUTCOME
        and bool(standing_party(application).credit_code)
    )


def standing_party(application: Application) -> Party:
    """The enterprise whose standing counts: the transferee of a transfer, else the applicant."""
    if application.kind == "transfer" and application.new_holder is not None:
        return application.new_holder
    return application.applicant


def check_applicant_standing(application: Application, listed: Listing | None) -> CheckResult:
    """Pass when the enterprise is on no list in force; else fail (or review, by
    :data:`LISTED_OUTCOME`) citing the list, reason, date and listing id."""
    return standing_result(application.kind, standing_party(application), listed)


def standing_result(kind: ApplicationKind, party: Party, listed: Listing | None) -> CheckResult:
    """The check's result for ``party``'s application of ``kind`` (see
    :func:`check_applicant_standing`)."""
    if listed is None:
        return CheckResult(
            rule_id=APPLICANT_STANDING,
            outcome="pass",
            message_zh=f"{party.credit_code} 未列入异常名录或严重违法失信名单",
            message_en=f"{party.credit_code} is on no supervision list",
            clause=CLAUSE,
            details={"credit_code": party.credit_code, "listing": None},
        )
    outcome = LISTED_OUTCOME.get(kind, "fail")
    named = LIST_ZH.get(listed.list, listed.list)
    term = f"，期限至 {listed.until}" if listed.until else ""
    consequence = (
        ("不予新设矿业权", "a new right is refused")
        if outcome == "fail"
        else ("请审查人员裁量", "for the officer to weigh in the review")
    )
    return CheckResult(
        rule_id=APPLICANT_STANDING,
        outcome=outcome,
        message_zh=(
            f"{party.credit_code} 已列入{named}（原因：{listed.reason}；{listed.listed_on} 列入"
            f"{term}；名录记录 {listed.listing_id}），{consequence[0]}"
        ),
        message_en=(
            f"{party.credit_code} is on the {listed.list} list since {listed.listed_on} "
            f"(listing {listed.listing_id}: {listed.reason}); {consequence[1]}"
        ),
        clause=CLAUSE,
        details={
            "credit_code": party.credit_code,
            "listing": {
                "listing_id": listed.listing_id,
                "list": listed.list,
                "reason": listed.reason,
                "listed_on": listed.listed_on.isoformat(),
                "until": listed.until.isoformat() if listed.until else None,
            },
        },
    )
