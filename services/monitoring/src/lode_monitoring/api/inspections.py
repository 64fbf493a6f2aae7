"""``/monitoring/v1/inspection-draws`` and ``/monitoring/v1/inspections``: random draws
(双随机抽查), redrawn from their seed by anyone on the staff, and inspections (现场检查)
recorded by inspectors; a mine's key reads its own enterprise's inspections.

Errors are raised, not translated here: :mod:`.errors` and lode_common answer them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.errors import Forbidden, NotFound
from lode_common.http import MAX_OFFSET, CurrentPrincipal, UoW
from lode_common.idempotency import IdempotencyKey
from lode_common.limits import CODE_MAX, YEAR_MAX, YEAR_MIN
from lode_common.openapi import problems
from lode_monitoring.adapters.supervision_tables import Inspection, InspectionDraw
from lode_monitoring.api.deps import INSPECTOR, MINE_OR_STAFF, STAFF, Service
from lode_monitoring.api.once import once
from lode_monitoring.api.supervision_schemas import (
    DrawBody,
    DrawPage,
    DrawView,
    InspectionBody,
    InspectionPage,
    InspectionView,
    Redraw,
)
from lode_monitoring.api.visibility import page
from lode_monitoring.domain.inspection import Item, Result
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers import draws, inspections

router = APIRouter(prefix="/monitoring/v1", tags=["supervision"])
IdPath = Annotated[str, Path(min_length=1, max_length=CODE_MAX)]


def draw_view(row: InspectionDraw) -> dict[str, Any]:
    return DrawView(
        id=row.id,
        year=row.year,
        ratio_pct=float(row.ratio_pct),
        seed=row.seed,
        algorithm=row.algorithm,
        population=row.population,
        drawn=row.drawn,
        assignments=row.assignments,
        drawn_by=row.drawn_by,
        drawn_at=row.drawn_at,
    ).model_dump(mode="json")


@router.post(
    "/inspection-draws",
    dependencies=[INSPECTOR],
    status_code=201,
    response_model=DrawView,
    responses=problems(409),
    summary="Draw licences and inspectors at random (双随机抽查), reproducibly from a seed",
)
async def make_draw(
    body: DrawBody,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The population is the licences in force in ``year``; n = max(1, ⌈ratio × N⌉)
    (``ratio_pct`` defaults to the setting ``inspection_ratio_pct``). 422 naming ``year``
    when nothing is in force, naming ``inspectors`` (and the licence) when a drawn licence
    has fewer than two eligible inspectors. The algorithm (``sha256-rank-v1``) is in
    docs/monitoring.md."""

    async def write() -> tuple[int, dict[str, Any]]:
        row = await draws.make_draw(
            uow,
            year=body.year,
            ratio_pct=body.ratio_pct
            if body.ratio_pct is not None
            else Decimal(service.settings.inspection_ratio_pct),
            seed=body.seed,
            actor=principal.subject,
            today=cst_date(datetime.now(UTC)),
        )
        return 201, draw_view(row)

    return await once(request, uow, principal, idempotency_key, body, write)


@router.get(
    "/inspection-draws",
    dependencies=[STAFF],
    response_model=DrawPage,
    summary="Random draws (of a year), the latest first",
)
async def list_draws(
    service: Service,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        rows = await draws.of_year(session, year)
    return {"items": [draw_view(r) for r in rows], "total": len(rows)}


@router.get(
    "/inspection-draws/{draw_id}",
    dependencies=[STAFF],
    response_model=DrawView,
    responses=problems(404),
    summary="A random draw with its seed, population and assignments",
)
async def get_draw(draw_id: IdPath, service: Service) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        return draw_view(await draws.load(session, draw_id))


@router.get(
    "/inspection-draws/{draw_id}/redraw",
    dependencies=[STAFF],
    response_model=Redraw,
    responses=problems(404),
    summary="Make the draw again from its kept seed and population: the same list?",
)
async def redraw(draw_id: IdPath, service: Service) -> dict[str, Any]:
    """Computed, not stored: ``same`` is true when the licences and inspectors drawn again
    are those kept."""
    async with service.runtime.sessions() as session:
        row = await draws.load(session, draw_id)
    again = draws.redraw(row)
    return {
        "same": again.same,
        "id": row.id,
        "seed": row.seed,
        "algorithm": again.made.algorithm,
        "drawn": list(again.made.drawn),
        "assignments": [a.as_dict() for a in again.made.assignments],
    }


def inspection_view(row: Inspection, principal: Principal) -> dict[str, Any]:
    return InspectionView(
        id=row.id,
        licence_no=row.licence_no,
        credit_code=row.credit_code,
        year=row.year,
        draw_id=row.draw_id,
        inspected_on=row.inspected_on,
        inspectors=row.inspectors if principal.is_staff else None,
        items=row.items,
        result=row.result,
        note=row.note,
        finding_id=row.finding_id,
        recorded_by=row.recorded_by if principal.is_staff else None,
        recorded_at=row.recorded_at,
    ).model_dump(mode="json")


@router.post(
    "/inspections",
    dependencies=[INSPECTOR],
    status_code=201,
    response_model=InspectionView,
    responses=problems(409),
    summary="Record an inspection (现场检查): items filed against found, and the result",
)
async def record_inspection(
    body: InspectionBody,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Two or more distinct inspectors of the roster, none related to the holder (回避);
    of a draw, the two drawn for the licence. An item's ``filed`` left out is read from the
    year's annual and reserves reports. ``non_compliant`` opens the finding
    ``inspection_discrepancy``; an item with ``false_filing`` lists the holder on the
    abnormal list (虚假填报). Every refusal is a 422 naming the field; nothing is written."""
    new = inspections.NewInspection(
        licence_no=body.licence_no,
        draw_id=body.draw_id,
        year=body.year,
        inspected_on=body.inspected_on,
        inspectors=list(body.inspectors),
        items=[
            Item(i.item, _number(i.filed), _number(i.found), ok=i.ok, false_filing=i.false_filing)
            for i in body.items
        ],
        result=body.result,
        note=body.note,
    )

    async def write() -> tuple[int, dict[str, Any]]:
        row = await inspections.record(
            uow,
            new,
            filed_given=["filed" in i.model_fields_set for i in body.items],
            actor=principal.subject,
            today=cst_date(datetime.now(UTC)),
        )
        return 201, inspection_view(row, principal)

    return await once(request, uow, principal, idempotency_key, body, write)


@router.get(
    "/inspections",
    dependencies=[MINE_OR_STAFF],
    response_model=InspectionPage,
    summary="Inspections (a mine's key sees its own enterprise's)",
)
async def list_inspections(
    service: Service,
    principal: CurrentPrincipal,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    licence_no: Annotated[str | None, Query(max_length=CODE_MAX)] = None,
    result: Annotated[
        Result | None, Query(description="compliant (合格) or non_compliant (不合格)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    query = select(Inspection)
    if year is not None:
        query = query.where(col(Inspection.year) == year)
    if licence_no:
        query = query.where(col(Inspection.licence_no) == licence_no)
    if result is not None:
        query = query.where(col(Inspection.result) == result)
    if not principal.is_staff:
        query = query.where(col(Inspection.credit_code) == principal.enterprise)
    rows, total = await page(
        service,
        query,
        col(Inspection.inspected_on).desc(),
        col(Inspection.id),
        offset=offset,
        limit=limit,
    )
    return {"items": [inspection_view(r, principal) for r in rows], "total": total}


@router.get(
    "/inspections/{inspection_id}",
    dependencies=[MINE_OR_STAFF],
    response_model=InspectionView,
    responses=problems(404),
    summary="An inspection (a mine's key: its own enterprise's only)",
)
async def get_inspection(
    inspection_id: IdPath, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        row = await inspections.load(session, inspection_id)
    if row is None:
        raise NotFound(
            f"没有该检查记录 — there is no inspection {inspection_id}; "
            "GET /monitoring/v1/inspections lists them."
        )
    if not principal.is_staff and principal.enterprise != row.credit_code:
        raise Forbidden("该检查记录属于其他企业 — this inspection is another enterprise's.")
    return inspection_view(row, principal)


def _number(figure: Decimal | None) -> float | None:
    """A figure as the domain and the event keep it (a JSON number, bounded by the body)."""
    return None if figure is None else float(figure)
