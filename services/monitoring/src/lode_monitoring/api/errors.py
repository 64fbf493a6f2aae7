"""How monitoring's own errors are answered (registered with FastAPI once, by bootstrap):
routes, the report intake and the domain raise; the answer is the same wherever they did."""

from __future__ import annotations

import structlog

from lode_common.container import ErrorPolicy
from lode_common.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem, Unavailable
from lode_common.jsonable import json_number
from lode_common.plan.replica import PlanNotLoaded
from lode_monitoring.domain.errors import InvalidInput as DomainInvalid
from lode_monitoring.domain.errors import UnbalancedReserves
from lode_monitoring.handlers.reports import NotYourLicence, ReportExists, UnknownReport
from lode_monitoring.handlers.reserves import ReservesReportExists, UnknownReservesReport

log = structlog.get_logger(__name__)

NOT_YOURS = (
    "不属于本企业的许可证 — not one of this key's enterprise's licences: a key reports and "
    "corrects only for its own enterprise's licences (GET /monitoring/v1/mines lists them). "
    "Check the licence number; the attempt is logged."
)
"""The one answer to a key used for a licence that is not its enterprise's: the same for
a licence of another enterprise, a report of one, and a licence number nobody holds."""


def problem_of(error: Exception) -> Problem:
    """The problem details of one of :data:`ERRORS`' handled errors."""
    if isinstance(error, UnbalancedReserves):
        return InvalidInput(
            f"{error} — correct the figures so that they balance and send it again; nothing "
            "was stored.",
            errors=error.as_dicts(),
            balance={
                "computed_closing_10kt": json_number(error.computed),
                "closing_10kt": json_number(error.closing),
                "difference_10kt": json_number(error.difference),
            },
        )
    if isinstance(error, DomainInvalid):
        return InvalidInput(
            f"{error} — fix the fields listed and send it again; nothing was stored.",
            errors=error.as_dicts(),
        )
    if isinstance(error, NotYourLicence):
        # the caller (principal) is bound to the request's log context already
        log.warning(
            "report refused: not the key's enterprise's licence", licence_no=str(error)[:23]
        )
        return Forbidden(NOT_YOURS)
    if isinstance(error, ReportExists):
        return Conflict(
            f"A report for this licence, year and period exists ({error.report_id});"
            f" correct it with PUT /monitoring/v1/reports/{error.report_id}.",
            report_id=error.report_id,
        )
    if isinstance(error, UnknownReport):
        return NotFound(f"There is no report {error}.")
    if isinstance(error, ReservesReportExists):
        if error.report_id is None:
            return Conflict(
                "A reserves report for this licence, year and mineral was filed at the same "
                "time; GET /monitoring/v1/reserves-reports?licence_no=…&year=… gives its id, "
                "correct it with PUT /monitoring/v1/reserves-reports/{id}."
            )
        return Conflict(
            "A reserves report for this licence, year and mineral exists "
            f"({error.report_id}); correct it with "
            f"PUT /monitoring/v1/reserves-reports/{error.report_id}.",
            report_id=error.report_id,
        )
    if isinstance(error, UnknownReservesReport):
        return NotFound(
            f"There is no reserves report {str(error)[:60]}; "
            "GET /monitoring/v1/reserves-reports lists them."
        )
    if isinstance(error, PlanNotLoaded):
        return Unavailable("The plan has not reached monitoring yet; retry in a few seconds.")
    raise error


ERRORS = ErrorPolicy(
    handled=(
        DomainInvalid,
        NotYourLicence,
        ReportExists,
        UnknownReport,
        ReservesReportExists,
        UnknownReservesReport,
        PlanNotLoaded,
    ),
    problem=problem_of,
)
"""Monitoring's error policy (``build_service(errors=...)``)."""
