"""The grant contract (出让合同) recorded once the result's publicity has ended, with the
instalments of the grant fee (出让收益) summing to the price; or a draft or failed grant
cancelled. Each move is claimed, recorded as a step and (the contract) emits its event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from lode_common.auth import Principal
from lode_common.cst import cst_date
from lode_common.events import catalog
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.adapters.tables import Grant
from lode_licensing.domain import grant_workflow as flow
from lode_licensing.domain.errors import InvalidInput
from lode_licensing.domain.grant_contract import Instalment, contract_problems
from lode_licensing.handlers import grants
from lode_licensing.handlers.applications import role_of


@dataclass(frozen=True)
class Contract:
    signed_on: date
    instalments: tuple[Instalment, ...]
    contract_ref: str | None = None


async def contract(uow: UnitOfWork, grant_id: str, given: Contract, principal: Principal) -> Grant:
    """出让合同 signed: after the publicity, its instalments summing to the price."""
    row = await grants.claim(uow, grant_id, "contract")
    now = datetime.now(UTC)
    assert row.price_cny_10k is not None
    assert row.winner_credit_code is not None
    problems = contract_problems(
        signed_on=given.signed_on,
        instalments=given.instalments,
        price=row.price_cny_10k,
        publicity_until=row.publicity_until,
        today=cst_date(now),
    )
    if problems:
        raise InvalidInput(problems)
    after = flow.contract(
        grants.state_of(row),
        actor=principal.subject,
        role=role_of(principal),
        at=now,
        note=given.contract_ref,
    )
    grants.store(uow.session, row, after)
    row.signed_on, row.contract_ref = given.signed_on, given.contract_ref
    row.instalments = [
        {"due": i.due.isoformat(), "amount_cny_10k": jsonable(i.amount_cny_10k)}
        for i in given.instalments
    ]
    uow.emit(
        catalog.GrantContracted(
            **grants.event_fields(row),
            winner=catalog.Holder(name=row.winner_name or "", credit_code=row.winner_credit_code),
            price_cny_10k=row.price_cny_10k,
            signed_on=given.signed_on,
            contract_ref=given.contract_ref,
            instalments=[
                catalog.Instalment(due=i.due, amount_cny_10k=i.amount_cny_10k)
                for i in given.instalments
            ],
        ),
        subject=row.id,
    )
    return row


async def cancel(uow: UnitOfWork, grant_id: str, reason: str, principal: Principal) -> Grant:
    """Withdraw a draft or failed grant from the plan, with the reason (no event: it was
    never concluded, and a failed one's failure was announced)."""
    row = await grants.claim(uow, grant_id, "cancel")
    after = flow.cancel(
        grants.state_of(row),
        reason,
        actor=principal.subject,
        role=role_of(principal),
        at=datetime.now(UTC),
    )
    grants.store(uow.session, row, after)
    return row
