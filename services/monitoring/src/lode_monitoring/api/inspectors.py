"""``/monitoring/v1/inspectors``: the inspector roster (检查人员名录) random draws pick from,
and the enterprises each inspector must not inspect (回避). Kept by an admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from lode_common import auth
from lode_common.http import CurrentPrincipal, UoW, requires
from lode_common.idempotency import IdempotencyKey
from lode_common.limits import CODE_MAX
from lode_common.openapi import problems
from lode_monitoring.adapters.supervision_tables import Inspector, InspectorRelation
from lode_monitoring.api.deps import ADMIN, Service
from lode_monitoring.api.once import once
from lode_monitoring.api.supervision_schemas import (
    InspectorBody,
    InspectorPage,
    InspectorView,
    RelationBody,
    RelationView,
)
from lode_monitoring.handlers import roster

router = APIRouter(prefix="/monitoring/v1", tags=["supervision"])
INSPECTOR_OR_ADMIN = Depends(requires(auth.INSPECTOR, auth.ADMIN))
InspectorIdPath = Annotated[str, Path(min_length=1, max_length=CODE_MAX)]


def relation_view(row: InspectorRelation) -> dict[str, Any]:
    return RelationView(
        credit_code=row.credit_code,
        relation=row.relation,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    ).model_dump(mode="json")


def inspector_view(row: Inspector, relations: list[InspectorRelation]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "subject": row.subject,
        "active": row.active,
        "relations": [relation_view(r) for r in relations],
    }


@router.post(
    "/inspectors",
    dependencies=[ADMIN],
    status_code=201,
    response_model=InspectorView,
    responses={**problems(409), 200: {"model": InspectorView, "description": "Changed"}},
    summary="Add an inspector to the roster (检查人员名录), or change one (201 new, 200 changed)",
)
async def save_inspector(
    body: InspectorBody,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """With the ``id`` of an inspector in the roster, its name, subject and ``active`` are
    changed (``active: false`` takes it out of future draws). A subject is one inspector's."""

    async def write() -> tuple[int, dict[str, Any]]:
        row, created = await roster.save_inspector(
            uow,
            inspector_id=body.id,
            name=body.name,
            subject=body.subject,
            active=body.active,
            actor=principal.subject,
        )
        current = next(
            (e.relations for e in await roster.entries(uow.session) if e.inspector.id == row.id),
            [],
        )
        return (201 if created else 200), inspector_view(row, current)

    return await once(request, uow, principal, idempotency_key, body, write)


@router.get(
    "/inspectors",
    dependencies=[INSPECTOR_OR_ADMIN],
    response_model=InspectorPage,
    summary="The inspector roster, each with the enterprises it must not inspect (回避)",
)
async def list_inspectors(service: Service) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        listed = await roster.entries(session)
    return {
        "items": [inspector_view(e.inspector, e.relations) for e in listed],
        "total": len(listed),
    }


@router.post(
    "/inspectors/{inspector_id}/relations",
    dependencies=[ADMIN],
    status_code=201,
    response_model=RelationView,
    responses=problems(404, 409),
    summary="Record an enterprise the inspector must not inspect (回避: 亲属, 曾任职, 持股 …)",
)
async def add_relation(
    inspector_id: InspectorIdPath,
    body: RelationBody,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Draws and inspections leave the inspector out for the enterprise's licences."""

    async def write() -> tuple[int, dict[str, Any]]:
        row = await roster.add_relation(
            uow,
            inspector_id=inspector_id,
            credit_code=body.credit_code,
            relation=body.relation,
            actor=principal.subject,
        )
        return 201, relation_view(row)

    return await once(request, uow, principal, idempotency_key, body, write)
