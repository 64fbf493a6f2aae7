"""The licence registry (矿业权登记): issue, renew, change, transfer, suspend, revoke, expire,
cancel. Every change writes a history row and a ``licence.*`` event carrying the licence's
state after it, in one unit of work. Licence numbers come from upstream (统一配号)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events import catalog
from lode_common.events.registry import EventPayload
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.adapters.tables import Licence, LicenceHistory
from lode_licensing.domain import licence as domain
from lode_licensing.domain.minerals import Capacity
from lode_licensing.domain.party import Party
from lode_licensing.domain.rectification import cited_note
from lode_licensing.domain.restoration import plan_as_json, plan_from_json
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.handlers import conflicts, rectifications

IN_FORCE = ("active", "suspended")
"""The statuses of a licence in force (持证有效)."""


class UnknownLicence(Exception):
    def __init__(self, licence_no: str) -> None:
        super().__init__(f"there is no licence {licence_no}; GET /licensing/v1/licences lists them")
        self.licence_no = licence_no


def to_domain(row: Licence) -> domain.Licence:
    capacity = (
        Capacity(row.capacity_value, row.capacity_unit)
        if row.capacity_value is not None and row.capacity_unit
        else None
    )
    return domain.Licence(
        licence_no=row.licence_no,
        right_type=row.right_type,  # type: ignore[arg-type]
        holder=Party(row.holder_name, row.holder_credit_code),
        mineral_zh=row.mineral,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        status=row.status,  # type: ignore[arg-type]
        mining_method=row.mining_method,
        capacity=capacity,
        scale=row.scale,  # type: ignore[arg-type]
        area=row.area,
        restoration_plan=plan_from_json(row.restoration_plan),
        green_mine=row.green_mine,
        grant_id=row.grant_id,
    )


def _write(row: Licence, lic: domain.Licence) -> None:
    row.holder_name = lic.holder.name
    row.holder_credit_code = lic.holder.credit_code
    row.mineral = lic.mineral_zh
    row.valid_from = lic.valid_from
    row.valid_to = lic.valid_to
    row.status = lic.status
    row.mining_method = lic.mining_method
    row.capacity_value = lic.capacity.value if lic.capacity else None
    row.capacity_unit = lic.capacity.unit if lic.capacity else None
    row.scale = lic.scale
    row.area = dict(lic.area) if lic.area is not None else None
    row.restoration_plan = plan_as_json(lic.restoration_plan)
    row.green_mine = lic.green_mine
    row.grant_id = lic.grant_id
    row.updated_at = datetime.now(UTC)


def state(row: Licence) -> dict[str, Any]:
    """The licence's state as every ``licence.*`` event carries it."""
    capacity = (
        {"value": row.capacity_value, "unit": row.capacity_unit}
        if row.capacity_value is not None and row.capacity_unit
        else None
    )
    return {
        "licence_no": row.licence_no,
        "right_type": row.right_type,
        "holder": {"name": row.holder_name, "credit_code": row.holder_credit_code},
        "mineral": row.mineral,
        "mining_method": row.mining_method,
        "capacity": capacity,
        "scale": row.scale,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "status": row.status,
        "area": row.area,
        "phase_out": row.phase_out,
        "illustrative": row.illustrative,
        "restoration_plan": list(row.restoration_plan or []),
        "green_mine": row.green_mine,
        "grant_id": row.grant_id,
    }


async def _record(
    uow: UnitOfWork, row: Licence, action: str, actor: str, note: str | None, event: EventPayload
) -> None:
    uow.session.add(
        LicenceHistory(
            licence_no=row.licence_no,
            action=action,
            actor=actor,
            at=datetime.now(UTC),
            note=note,
            state=jsonable(state(row)),
        )
    )
    uow.emit(event, subject=row.licence_no)


async def load(session: AsyncSession, licence_no: str, *, lock: bool = False) -> Licence:
    query = select(Licence).where(col(Licence.licence_no) == licence_no)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise UnknownLicence(licence_no)
    return row


async def issue(
    uow: UnitOfWork,
    lic: domain.Licence,
    *,
    rules: PlanRules,
    actor: str,
    application_id: str | None,
    illustrative: bool = False,
) -> Licence:
    """Register a new licence (颁发); phase_out when the plan prohibits its mineral."""
    now = datetime.now(UTC)
    row = Licence(
        licence_no=lic.licence_no,
        right_type=lic.right_type,
        holder_name=lic.holder.name,
        holder_credit_code=lic.holder.credit_code,
        mineral=lic.mineral_zh,
        valid_from=lic.valid_from,
        valid_to=lic.valid_to,
        status=lic.status,
        phase_out=domain.is_phase_out(lic, rules),
        illustrative=illustrative,
        application_id=application_id,
        issued_at=now,
        updated_at=now,
    )
    _write(row, lic)
    uow.session.add(row)
    await _record(
        uow,
        row,
        "issued",
        actor,
        None,
        catalog.LicenceIssued(**state(row), application_id=application_id),
    )
    return row


async def apply(
    uow: UnitOfWork,
    row: Licence,
    after: domain.Licence,
    *,
    action: str,
    actor: str,
    note: str | None,
    **extra: Any,
) -> Licence:
    """Write the licence's new state and its event (``renewed``, ``changed``, ...)."""
    before = to_domain(row)
    _write(row, after)
    event_classes: dict[str, type[EventPayload]] = {
        "renewed": catalog.LicenceRenewed,
        "changed": catalog.LicenceChanged,
        "transferred": catalog.LicenceTransferred,
        "suspended": catalog.LicenceSuspended,
        "revoked": catalog.LicenceRevoked,
        "expired": catalog.LicenceExpired,
        "cancelled": catalog.LicenceCancelled,
        "resumed": catalog.LicenceChanged,
        "green_mine": catalog.LicenceChanged,
    }
    event_class = event_classes[action]
    fields: dict[str, Any] = {**state(row), **extra}
    if action == "renewed":
        fields["previous_valid_to"] = before.valid_to
    if action == "transferred":
        fields["from_holder"] = {
            "name": before.holder.name,
            "credit_code": before.holder.credit_code,
        }
        fields["to_holder"] = {"name": after.holder.name, "credit_code": after.holder.credit_code}
    if action == "resumed":
        fields["changed"] = ["status"]
    if action == "green_mine":
        fields["changed"] = ["green_mine"]
    await _record(uow, row, action, actor, note, event_class(**fields))
    if row.status not in IN_FORCE and before.status in IN_FORCE:
        today = domain.cst_today(datetime.now(UTC))
        await conflicts.resolve_left_force(uow, row.licence_no, row.status, state(row), today)
        await rectifications.resolve_left_force(uow.session, row.licence_no, row.status, today)
    return row


async def set_status(
    uow: UnitOfWork,
    licence_no: str,
    action: domain.LicenceAction,
    *,
    actor: str,
    reason: str,
    order_id: str | None = None,
) -> Licence:
    """Suspend (暂扣), resume, revoke (吊销) by an officer; IllegalTransition → 409.

    A suspension or revocation may cite ``order_id``, an overdue rectification order
    (逾期未整改) of this licence (InvalidInput naming ``order_id`` otherwise): the history
    note and the event carry it, and the order's enforcement item shows the action."""
    row = await load(uow.session, licence_no, lock=True)
    order = (
        await rectifications.cite(uow.session, order_id, licence_no, action)
        if order_id is not None
        else None
    )
    after = domain.apply_action(to_domain(row), action)
    past = {
        "suspend": "suspended",
        "revoke": "revoked",
        "resume": "resumed",
        "cancel": "cancelled",
    }[action]
    extra: dict[str, Any] = (
        {"reason": reason} if past in ("suspended", "revoked", "cancelled") else {}
    )
    if order is not None:
        extra["order_id"] = order.order_id
        rectifications.record_action(
            order, action, domain.cst_today(datetime.now(UTC)), actor=actor
        )
    note = cited_note(reason, order.order_id if order is not None else None)
    return await apply(uow, row, after, action=past, actor=actor, note=note, **extra)


async def list_green_mine(
    uow: UnitOfWork, licence_no: str, listed: bool, *, actor: str, note: str
) -> Licence:
    """Record that a mine was listed on (or removed from) the 绿色矿山名录: a history row and
    ``licence.changed`` with ``changed: ["green_mine"]``; nothing when it already is so."""
    row = await load(uow.session, licence_no, lock=True)
    after = domain.list_green_mine(to_domain(row), listed)
    if row.green_mine == listed:
        return row
    return await apply(uow, row, after, action="green_mine", actor=actor, note=note)


async def expire_lapsed(uow: UnitOfWork, today: date) -> list[str]:
    """The daily job's work: every licence past its last valid day becomes expired."""
    rows = list(
        (
            await uow.session.execute(
                select(Licence)
                .where(
                    col(Licence.status).in_(["active", "suspended"]), col(Licence.valid_to) < today
                )
                .with_for_update()
            )
        ).scalars()
    )
    for row in rows:
        after = domain.apply_action(to_domain(row), "expire")
        await apply(
            uow,
            row,
            after,
            action="expired",
            actor="system:expiry",
            note=f"valid_to {row.valid_to} < {today}",
        )
    return [r.licence_no for r in rows]


async def active_mining_count(session: AsyncSession) -> int:
    return int(
        (
            await session.execute(
                select(func.count()).where(
                    col(Licence.status) == "active", col(Licence.right_type) == "mining"
                )
            )
        ).scalar_one()
    )
