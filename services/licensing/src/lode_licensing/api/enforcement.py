"""``GET /licensing/v1/enforcement``: the list officers act from (执法监管清单): licences in
force in conflict with the plan (``kind: conflict``), with the rule, clause and zones. Issue
17 adds rectification orders to the same list (another ``kind``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from lode_common import auth
from lode_common.http import requires
from lode_licensing.adapters.tables import LicenceConflict
from lode_licensing.api.answers import Holder
from lode_licensing.api.deps import Service
from lode_licensing.api.paging import Limit, Offset, page

router = APIRouter(prefix="/licensing/v1/enforcement", tags=["enforcement"])

STAFF_NOT_MINES = Depends(
    requires(auth.LICENSING_OFFICER, auth.INSPECTOR, auth.APPROVER, auth.PLANNER, auth.VIEWER)
)
Kind = Literal["conflict"]


class Zone(BaseModel):
    zone_id: str
    type: str
    code: str
    name_zh: str
    overlap_ha: float | None


class EnforcementItem(BaseModel):
    kind: Kind = Field(description="conflict: a licence in force in conflict with the plan")
    id: str
    licence_no: str
    holder: Holder
    mineral: str
    rule_id: str
    clause: str
    outcome: Literal["fail", "review"]
    message: str
    zones: list[Zone]
    plan_id: str
    plan_version: int
    detected_on: str
    status: Literal["open", "resolved"]
    resolved_on: str | None
    reason: str | None = Field(description="why it was resolved")


class EnforcementList(BaseModel):
    """A page of the list, newest first."""

    items: list[EnforcementItem]
    total: int


def item(row: LicenceConflict) -> dict[str, Any]:
    return {
        "kind": "conflict",
        "id": row.id,
        "licence_no": row.licence_no,
        "holder": {"name": row.holder_name, "credit_code": row.holder_credit_code},
        "mineral": row.mineral,
        "rule_id": row.rule_id,
        "clause": row.clause,
        "outcome": row.outcome,
        "message": row.message,
        "zones": [
            {**z, "overlap_ha": float(z["overlap_ha"]) if z.get("overlap_ha") is not None else None}
            for z in row.zones
        ],
        "plan_id": row.plan_id,
        "plan_version": row.plan_version,
        "detected_on": row.detected_on.isoformat(),
        "status": row.status,
        "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None,
        "reason": row.reason,
    }


@router.get(
    "",
    dependencies=[STAFF_NOT_MINES],
    summary="What officers act on: licences in conflict with the plan (与规划冲突)",
    response_model=EnforcementList,
)
async def enforcement(
    service: Service,
    status: Literal["open", "resolved", "all"] = "open",
    kind: Kind | None = None,
    licence_no: Annotated[
        str | None, Query(max_length=23, pattern="^[A-Za-z0-9]+$", description="one licence")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    query = select(LicenceConflict)
    if status != "all":
        query = query.where(col(LicenceConflict.status) == status)
    if licence_no:
        query = query.where(col(LicenceConflict.licence_no) == licence_no)
    # kind: every item is a conflict until issue 17 adds rectification orders
    async with service.runtime.sessions() as session:
        rows, total = await page(
            session,
            query,
            col(LicenceConflict.detected_at).desc(),
            col(LicenceConflict.id),
            offset=offset,
            limit=limit,
        )
        items = [item(r) for r in rows]
    return {"items": items, "total": total}
