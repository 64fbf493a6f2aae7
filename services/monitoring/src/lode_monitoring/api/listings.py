"""``/monitoring/v1/abnormal-list`` and ``/monitoring/v1/serious-violations``: the
enterprises on the abnormal list (异常名录) and the serious-violation list (严重违法失信名单),
their release (移出) by an inspector, and serious-violation listing (a staff action by an
inspector, with its reason and term). A mine's key reads its own enterprise's listings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlmodel import col

from lode_common.credit_code import CHARSET, LENGTH, credit_code_problem
from lode_common.errors import InvalidInput
from lode_common.http import MAX_OFFSET, CurrentPrincipal, UoW
from lode_common.idempotency import IdempotencyKey
from lode_common.limits import NAME_MAX
from lode_common.openapi import problems
from lode_monitoring.adapters.supervision_tables import EnterpriseListing
from lode_monitoring.api.deps import INSPECTOR, MINE_OR_STAFF, Service
from lode_monitoring.api.once import once
from lode_monitoring.api.supervision_schemas import (
    ListingPage,
    ListingView,
    ReleaseBody,
    Released,
    SeriousViolationBody,
)
from lode_monitoring.api.visibility import page, text_filter, text_query
from lode_monitoring.domain.listing import ListingStatus, ListName, term_end
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers import listings

router = APIRouter(prefix="/monitoring/v1", tags=["supervision"])
CreditCodePath = Annotated[
    str,
    Path(
        description="统一社会信用代码 (GB 32100): 18 characters, the last a check character",
        json_schema_extra={
            "minLength": LENGTH,
            "maxLength": LENGTH,
            "pattern": f"^[{CHARSET}]{{{LENGTH}}}$",
        },
    ),
]


def listing_view(row: EnterpriseListing) -> dict[str, Any]:
    return ListingView.model_validate(row, from_attributes=True).model_dump(mode="json")


@router.get(
    "/abnormal-list",
    dependencies=[MINE_OR_STAFF],
    response_model=ListingPage,
    summary="The abnormal and serious-violation lists (异常名录, 严重违法失信名单)",
)
async def list_listings(
    service: Service,
    principal: CurrentPrincipal,
    status: ListingStatus | None = None,
    list: ListName | None = None,
    q: Annotated[
        str | None, text_query(NAME_MAX, "part of the enterprise's name or credit code")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """Every listing, released ones kept (``status``, ``list`` and ``q`` filter); a mine's
    key sees its own enterprise's."""
    text = text_filter("q", q)
    query = select(EnterpriseListing)
    if text:
        query = query.where(
            col(EnterpriseListing.name).icontains(text, autoescape=True)
            | col(EnterpriseListing.credit_code).icontains(text, autoescape=True)
        )
    if status is not None:
        query = query.where(col(EnterpriseListing.status) == status)
    if list is not None:
        query = query.where(col(EnterpriseListing.list) == list)
    if not principal.is_staff:
        query = query.where(col(EnterpriseListing.credit_code) == principal.enterprise)
    rows, total = await page(
        service,
        query,
        col(EnterpriseListing.listed_on).desc(),
        col(EnterpriseListing.listing_id),
        offset=offset,
        limit=limit,
    )
    return {"items": [listing_view(r) for r in rows], "total": total}


@router.post(
    "/abnormal-list/{credit_code}/release",
    dependencies=[INSPECTOR],
    response_model=Released,
    responses=problems(404, 409),
    summary="Release an enterprise from a list (移出) with the reason it is remedied",
)
async def release(
    credit_code: CreditCodePath,
    body: ReleaseBody,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    """Every listing of the enterprise on ``list`` (default ``abnormal``) is released. 409
    while an annual report that listed it is still missing (naming the years and
    licences); 404 when it is not on the list."""
    problem = credit_code_problem(credit_code)
    if problem:
        raise InvalidInput.field("credit_code", problem)
    rows = await listings.release(
        service,
        uow,
        credit_code=credit_code,
        list_name=body.list,
        reason=body.reason,
        actor=principal.subject,
        now=datetime.now(UTC),
    )
    answer = {"released": [listing_view(r) for r in rows]}
    await uow.commit()
    return answer


@router.post(
    "/serious-violations",
    dependencies=[INSPECTOR],
    status_code=201,
    response_model=ListingView,
    responses=problems(409),
    summary="Put an enterprise on the serious-violation list (严重违法失信名单) for a term",
)
async def list_serious_violation(
    body: SeriousViolationBody,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The term is ``until`` (the last day listed) or ``term_years`` from today, else the
    setting ``serious_violation_term_years``; the daily job releases it when the term ends
    (期满). 422 naming ``credit_code`` for an enterprise no licence of which monitoring
    knows; 409 when it is on the list already."""
    if body.until is not None and body.term_years is not None:
        raise InvalidInput.field("until", "give until or term_years, not both")
    today = cst_date(datetime.now(UTC))
    until = body.until or term_end(
        today, body.term_years or service.settings.serious_violation_term_years
    )

    async def write() -> tuple[int, dict[str, Any]]:
        row = await listings.list_serious_violation(
            uow,
            credit_code=body.credit_code,
            reason=body.reason,
            until=until,
            actor=principal.subject,
            today=today,
        )
        return 201, listing_view(row)

    return await once(request, uow, principal, idempotency_key, body, write)
