"""``/licensing/v1/licences``: the licence registry and an officer's status actions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy import select
from sqlmodel import col

from lode_common.errors import Forbidden, InvalidInput
from lode_common.http import CurrentPrincipal, UoW
from lode_common.limits import CODE_MAX, NAME_MAX, STRICT_BODY, Name, Text, unsafe_character
from lode_common.openapi import problems
from lode_licensing.adapters.tables import Licence, LicenceHistory
from lode_licensing.api import views
from lode_licensing.api.answers import LicenceAnswer, Licences
from lode_licensing.api.closure_answers import LicenceWithClosure
from lode_licensing.api.deps import ANYONE, OFFICER, Service
from lode_licensing.api.paging import Limit, Offset, page
from lode_licensing.domain.licence import LicenceStatus
from lode_licensing.domain.vocabulary import RightType
from lode_licensing.handlers import closure, licences

router = APIRouter(prefix="/licensing/v1/licences", tags=["licences"])


LicenceNoPath = Annotated[
    str, Path(max_length=23, pattern="^[A-Za-z0-9]+$", description="e.g. C1308812021017120000001")
]


class StatusAction(BaseModel):
    model_config = STRICT_BODY

    reason: Annotated[Text, Field(min_length=2, description="why (kept in the history)")]
    order_id: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="suspend or revoke only: the overdue rectification order (逾期未整改的整改"
        "通知) of this licence the action cites, as GET /licensing/v1/enforcement?kind=order "
        "lists it",
    )


@router.get(
    "",
    dependencies=[ANYONE],
    summary="Licences (a mine's key sees its own)",
    response_model=Licences,
)
async def list_licences(
    service: Service,
    principal: CurrentPrincipal,
    status: LicenceStatus | None = None,
    mineral: Annotated[str | None, Query(max_length=CODE_MAX)] = None,
    holder: Annotated[
        str | None, Query(max_length=NAME_MAX, description="credit code or part of the name")
    ] = None,
    right_type: RightType | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    for name, value in (("mineral", mineral), ("holder", holder)):
        unsafe = unsafe_character(value) if value else None
        if unsafe is not None:
            raise InvalidInput.field(name, f"must not contain {unsafe}")
    query = select(Licence)
    if status:
        query = query.where(col(Licence.status) == status)
    if mineral:
        query = query.where(col(Licence.mineral) == mineral)
    if right_type:
        query = query.where(col(Licence.right_type) == right_type)
    if holder:
        query = query.where(
            (col(Licence.holder_credit_code) == holder)
            | col(Licence.holder_name).contains(holder, autoescape=True)
        )
    if not principal.is_staff:
        query = query.where(col(Licence.holder_credit_code) == principal.enterprise)
    async with service.runtime.sessions() as session:
        rows, total = await page(
            session, query, col(Licence.licence_no), offset=offset, limit=limit
        )
        items = [views.licence(r) for r in rows]
    return {"items": items, "total": total}


@router.get(
    "/{licence_no}",
    dependencies=[ANYONE],
    summary="One licence, with its history and the closure facts recorded (闭坑)",
    response_model=LicenceWithClosure,
    responses=problems(404),
)
async def get_licence(
    licence_no: LicenceNoPath, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        row = await licences.load(session, licence_no)
        if not principal.is_staff and principal.enterprise != row.holder_credit_code:
            raise Forbidden("This licence belongs to another enterprise.")
        history = (
            await session.execute(
                select(LicenceHistory)
                .where(col(LicenceHistory.licence_no) == licence_no)
                .order_by(col(LicenceHistory.id))
            )
        ).scalars()
        view = views.licence(row)
        view["history"] = [
            {"action": h.action, "actor": h.actor, "at": views._at(h.at), "note": h.note}
            for h in history
        ]
        facts = views.closure(await closure.facts(session, licence_no))
        view["closure"] = {k: v for k, v in facts.items() if k != "licence_no"}
    return view


@router.post(
    "/{licence_no}/{action}",
    dependencies=[OFFICER],
    summary="Suspend (暂扣), resume or revoke (吊销) a licence, citing an overdue order",
    response_model=LicenceAnswer,
    responses=problems(404, 409),
)
async def status_action(
    licence_no: LicenceNoPath,
    action: Literal["suspend", "resume", "revoke"],
    body: StatusAction,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    row = await licences.set_status(
        uow, licence_no, action, actor=principal.subject, reason=body.reason, order_id=body.order_id
    )
    await uow.commit()
    return views.licence(row)


class GreenMineListing(BaseModel):
    model_config = STRICT_BODY

    green_mine: StrictBool = Field(
        description="listed on the 绿色矿山名录 (true) or removed (false); JSON true or false"
    )
    list_ref: Annotated[
        Name,
        Field(
            min_length=2,
            description="the list or notice it was decided in, e.g. 河北省绿色矿山名录（2023年）",
        ),
    ]
    note: Text | None = Field(None, description="kept in the history")


@router.put(
    "/{licence_no}/green-mine",
    dependencies=[OFFICER],
    summary="Record a mine's listing on (or removal from) the 绿色矿山名录",
    response_model=LicenceAnswer,
    responses=problems(404, 409),
)
async def green_mine(
    licence_no: LicenceNoPath,
    body: GreenMineListing,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    verb = "listed on" if body.green_mine else "removed from"
    note = f"{verb} the 绿色矿山名录: {body.list_ref}" + (f" — {body.note}" if body.note else "")
    row = await licences.list_green_mine(
        uow, licence_no, body.green_mine, actor=principal.subject, note=note
    )
    await uow.commit()
    return views.licence(row)
