"""How zoning's own errors are answered, in one place (``ERRORS``, registered once by
``bootstrap.build``): routes and commands raise, the answer is the same wherever they did.

* a domain error (``ZoningDomainError``: a CRS, an area, a corner list) and a plan document
  that does not validate (``PlanDocumentInvalid``): 422 listing the fields;
* a document published at another plan's path (``PlanMismatch``): 422 naming ``plan.id``;
* a zone command's error (``ZoneError``): 404 for an unknown plan or zone, 409 for a
  conflict (a code taken, a zone already retired), 422 naming the field otherwise;
* a proposal's move the table refuses (``IllegalMove``): 409 with ``current_state`` and
  ``allowed_actions``; by someone the table does not let (``NotAllowed``): 403 naming the
  ``rule``; an unknown proposal 404; a plan moved under it or a successor that cannot come
  into force (``PlanMoved``, ``SuccessionRefused``): 409.
"""

from __future__ import annotations

from lode_common.container import ErrorPolicy
from lode_common.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from lode_common.plan.issues import PlanDocumentInvalid
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.domain.proposals import IllegalMove, NotAllowed, ProposalRefused
from lode_zoning.handlers import zones
from lode_zoning.handlers.plans import PlanMismatch
from lode_zoning.handlers.proposals import PlanMoved, SuccessionRefused, UnknownProposal
from lode_zoning.handlers.zones import ZoneError

FIELD_ERRORS_MAX = 100
"""Problems listed in one answer: a 100,000-vertex ring of text is one fault 100,000 times,
and its answer must not be bigger than the request."""


def invalid(error: ZoningDomainError | PlanDocumentInvalid) -> InvalidInput:
    """A domain error or an invalid plan document as a 422 problem naming the fields."""
    found = error.field_errors()
    errors = found[:FIELD_ERRORS_MAX]
    detail = error.detail if error.detail.endswith(".") else f"{error.detail}."
    more = (
        f" The first {FIELD_ERRORS_MAX} of {len(found)} problems are listed."
        if len(found) > FIELD_ERRORS_MAX
        else ""
    )
    return InvalidInput(
        f"{detail}{more} Fix the fields listed and send it again.", errors=errors or None
    )


def zone_problem(error: ZoneError) -> Problem:
    if isinstance(error, zones.UnknownPlan | zones.UnknownZone):
        return NotFound(error.message + ".")
    if isinstance(error, zones.ZoneConflict):
        return Conflict(error.message + ".")
    return InvalidInput.field(error.field or "properties", error.message)


def proposal_problem(error: Exception) -> Problem:
    if isinstance(error, IllegalMove):
        return Conflict(
            f"{error}.", current_state=error.current_state, allowed_actions=list(error.allowed)
        )
    if isinstance(error, NotAllowed):
        return Forbidden(f"{error}.", rule=error.rule)
    if isinstance(error, UnknownProposal):
        return NotFound(f"{error}.")
    return Conflict(f"{error}.")


def problem(error: Exception) -> Problem:
    """The problem details of one of ``ERRORS.handled``."""
    if isinstance(error, ZoningDomainError | PlanDocumentInvalid):
        return invalid(error)
    if isinstance(error, ZoneError):
        return zone_problem(error)
    if isinstance(error, PlanMismatch):
        return InvalidInput.field("plan.id", str(error))
    if isinstance(error, ProposalRefused | UnknownProposal | PlanMoved | SuccessionRefused):
        return proposal_problem(error)
    raise TypeError(f"{type(error).__name__} is not one of zoning's errors") from error


ERRORS = ErrorPolicy(
    handled=(
        ZoningDomainError,
        PlanDocumentInvalid,
        ZoneError,
        PlanMismatch,
        ProposalRefused,
        UnknownProposal,
        PlanMoved,
        SuccessionRefused,
    ),
    problem=problem,
)
