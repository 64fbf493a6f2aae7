"""``/monitoring/v1/enterprises/{credit_code}/api-keys``: the keys mines report with, and
``/monitoring/v1/mines``: the licences monitoring knows (replicated from licensing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from lode_common.credit_code import CHARSET, LENGTH, credit_code_problem
from lode_common.errors import Forbidden, InvalidInput, NotFound
from lode_common.http import MAX_OFFSET, CurrentPrincipal
from lode_common.limits import CODE_MAX, NAME_MAX, STRICT_BODY, Label
from lode_common.openapi import problems
from lode_monitoring.adapters.tables import ApiKey, Mine
from lode_monitoring.api.deps import ADMIN, ANYONE, Service
from lode_monitoring.api.schemas import ApiKeyPage, ApiKeyView, IssuedKey, MinePage, MineView
from lode_monitoring.api.visibility import licences_matching, page, text_filter, text_query
from lode_monitoring.domain.licence import LicenceStatus
from lode_monitoring.handlers import api_keys

router = APIRouter(prefix="/monitoring/v1", tags=["enterprises and mines"])
CREDIT_CODE_PATTERN = f"^[{CHARSET}]{{{LENGTH}}}$"

CreditCode = Annotated[
    str,
    Path(
        description="统一社会信用代码 (GB 32100): 18 characters, the last a check character",
        json_schema_extra={
            "minLength": LENGTH,
            "maxLength": LENGTH,
            "pattern": CREDIT_CODE_PATTERN,
        },
    ),
]
"""An enterprise's credit code in a path; :func:`_checked` says what is wrong with one."""


class NewKey(BaseModel):
    model_config = STRICT_BODY

    label: Label | None = Field(None, description="e.g. 年报系统 2025")


def _at(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _key_view(row: ApiKey) -> dict[str, Any]:
    return {
        "id": row.id,
        "prefix": row.prefix,
        "credit_code": row.credit_code,
        "label": row.label,
        "created_by": row.created_by,
        "created_at": _at(row.created_at),
        "revoked_at": _at(row.revoked_at),
        "last_used_at": _at(row.last_used_at),
        "active": row.revoked_at is None,
    }


def _checked(credit_code: str) -> str:
    problem = credit_code_problem(credit_code)
    if problem:
        raise InvalidInput.field("credit_code", problem)
    return credit_code


@router.post(
    "/enterprises/{credit_code}/api-keys",
    dependencies=[ADMIN],
    status_code=201,
    response_model=IssuedKey,
    responses=problems(413, 415),
    summary="Issue an API key for an enterprise (shown once)",
)
async def issue_key(
    credit_code: CreditCode,
    service: Service,
    principal: CurrentPrincipal,
    body: NewKey | None = None,
) -> dict[str, Any]:
    _checked(credit_code)
    async with service.runtime.uow() as uow:  # the key and its api_key.issued event, together
        row, key = await api_keys.issue(
            uow,
            credit_code=credit_code,
            label=body.label if body else None,
            actor=principal.subject,
        )
        await uow.commit()
    return {
        **_key_view(row),
        "key": key,
        "note": "The key is shown only now; store it in the mine's reporting software.",
    }


@router.get(
    "/enterprises/{credit_code}/api-keys",
    dependencies=[ADMIN],
    response_model=ApiKeyPage,
    summary="An enterprise's keys, by prefix (never the keys themselves)",
)
async def list_keys(credit_code: CreditCode, service: Service) -> dict[str, Any]:
    _checked(credit_code)
    async with service.runtime.sessions() as session:
        rows = await api_keys.of_enterprise(session, credit_code)
    return {"items": [_key_view(r) for r in rows], "total": len(rows)}


@router.delete(
    "/enterprises/{credit_code}/api-keys/{key_id}",
    dependencies=[ADMIN],
    response_model=ApiKeyView,
    responses=problems(404),
    summary="Revoke a key (at once here; in other workers and services within seconds)",
)
async def revoke_key(credit_code: CreditCode, key_id: str, service: Service) -> dict[str, Any]:
    async with service.runtime.uow() as uow:  # the revocation and its api_key.revoked event
        row = await api_keys.revoke(uow, credit_code=credit_code, key_id=key_id)
        if row is None:
            raise NotFound(
                f"Enterprise {credit_code} has no key {key_id}; list them with GET "
                f"/monitoring/v1/enterprises/{credit_code}/api-keys."
            )
        await uow.commit()
    service.keys.forget(row.prefix)  # refused at once by this worker
    return _key_view(row)


def _mine_view(row: Mine) -> dict[str, Any]:
    return {
        "licence_no": row.licence_no,
        "right_type": row.right_type,
        "holder": {"name": row.holder_name, "credit_code": row.holder_credit_code},
        "mineral": row.mineral,
        "mining_method": row.mining_method,
        "capacity": {"value": float(row.capacity_value), "unit": row.capacity_unit}
        if row.capacity_value is not None
        else None,
        "scale": row.scale,
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat(),
        "status": row.status,
        "status_history": row.status_history,
        "phase_out": row.phase_out,
        "illustrative": row.illustrative,
        "restoration_plan": row.restoration_plan,
        "green_mine": row.green_mine,
    }


@router.get(
    "/mines",
    dependencies=[ANYONE],
    response_model=MinePage,
    summary="Mines (a mine's key sees its own)",
)
async def list_mines(
    service: Service,
    principal: CurrentPrincipal,
    status: LicenceStatus | None = None,
    holder: str | None = None,
    mineral: Annotated[str | None, text_query(CODE_MAX, "the mineral, exactly")] = None,
    q: Annotated[
        str | None,
        text_query(NAME_MAX, "part of the licence number, or of the holder's name or credit code"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    mineral, text = text_filter("mineral", mineral), text_filter("q", q)
    query = select(Mine)
    if status:
        query = query.where(col(Mine.status) == status)
    if holder:
        query = query.where(col(Mine.holder_credit_code) == holder)
    if mineral:
        query = query.where(col(Mine.mineral) == mineral)
    if text:
        query = query.where(col(Mine.licence_no).in_(licences_matching(text)))
    if not principal.is_staff:
        query = query.where(col(Mine.holder_credit_code) == principal.enterprise)
    rows, total = await page(service, query, col(Mine.licence_no), offset=offset, limit=limit)
    return {"items": [_mine_view(r) for r in rows], "total": total}


@router.get(
    "/mines/{licence_no}",
    dependencies=[ANYONE],
    response_model=MineView,
    responses=problems(404),
    summary="One mine",
)
async def get_mine(
    licence_no: str, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        row = await session.get(Mine, licence_no)
    if row is None:
        raise NotFound(
            f"No mine with licence {licence_no} is known to monitoring (licences "
            "arrive from licensing's events)."
        )
    if not principal.is_staff and principal.enterprise != row.holder_credit_code:
        raise Forbidden("This mine belongs to another enterprise.")
    return _mine_view(row)
