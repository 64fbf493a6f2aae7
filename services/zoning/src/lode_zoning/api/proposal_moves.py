"""What the POSTs of ``api.proposals`` share: each runs its work once per
``Idempotency-Key`` and body (API.md, Conventions), records its step in the role the caller
acts in, and answers the proposal whole.

A move of one proposal (submit, withdraw, reject, approve) takes a :class:`ProposalMove`:
whose proposal, who asks, and the key it runs under, read from the request in one place so
the four routes declare only what differs (their role, body and work).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.exc import IntegrityError

from lode_common import auth, idempotency
from lode_common.auth import Principal
from lode_common.errors import Conflict
from lode_common.http import CurrentPrincipal, UoW
from lode_common.idempotency import IdempotencyKey
from lode_common.messaging.outbox import UnitOfWork
from lode_zoning.adapters.tables import PlanProposal
from lode_zoning.api import proposal_views
from lode_zoning.api.plans import PlanIdPath
from lode_zoning.domain.proposals import ProposalAction
from lode_zoning.handlers import plans, proposals

ProposalId = Annotated[
    str, Path(max_length=36, pattern="^[A-Za-z0-9-]+$", description="the proposal's id")
]
Work = Callable[[], Awaitable[dict[str, Any]]]
"""A POST's effect in its unit of work, answering the body to send (uncommitted)."""


def role_in(principal: Principal, wanted: str) -> str:
    """The role a step is recorded in: ``wanted`` when held, else admin."""
    return wanted if wanted in principal.roles else auth.ADMIN


async def view(uow: UnitOfWork, proposal: PlanProposal) -> dict[str, Any]:
    """The proposal whole (its steps, and the diff against its base), as written so far."""
    await uow.session.flush()
    base = await plans.version_of(uow.session, proposal.plan_id, proposal.base_version)
    steps = await proposals.steps(uow.session, proposal.id)
    return proposal_views.whole(proposal, steps, base)


async def once(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    key: str | None,
    status: int,
    work: Work,
) -> dict[str, Any]:
    """``work()`` once per ``Idempotency-Key`` and body; its answer remembered in its unit of
    work, and committed here. A replay answers the remembered body (the route's status: each
    route has one), checked by the route's model as the first answer was."""
    key = idempotency.checked_key(key)
    scope = principal.subject
    digest = idempotency.fingerprint("POST", request.url.path, await request.body())
    if key is not None:
        earlier = await idempotency.replay(uow.session, scope=scope, key=key, request_hash=digest)
        if earlier is not None:
            return earlier[1]
    body = await work()
    if key is not None:
        idempotency.remember(
            uow.session,
            scope=scope,
            key=key,
            request_hash=digest,
            status_code=status,
            response=body,
        )
    try:
        await uow.commit()
    except IntegrityError:
        raise Conflict(
            "Another change of this plan or proposal was committed at the same moment; GET the "
            "proposal and try again if it is still needed."
        ) from None
    return body


@dataclass(frozen=True)
class ProposalMove:
    """A POST that moves one proposal: whose it is, who asks, and the key it runs under."""

    plan_id: str
    proposal_id: str
    request: Request
    uow: UnitOfWork
    principal: Principal
    idempotency_key: str | None

    async def proposal(self) -> PlanProposal:
        return await proposals.get(self.uow.session, self.plan_id, self.proposal_id)

    async def once(self, work: Work) -> dict[str, Any]:
        """``work()`` once per key and body (a move answers 200)."""
        return await once(self.request, self.uow, self.principal, self.idempotency_key, 200, work)

    async def take(self, action: ProposalAction, role: str, note: str | None) -> dict[str, Any]:
        """``submit``, ``withdraw`` or ``reject`` (``note`` its reason), by a holder of
        ``role``; the proposal answered as moved."""

        async def work() -> dict[str, Any]:
            row = await self.proposal()
            await proposals.take(
                self.uow,
                row,
                action,
                actor=self.principal.subject,
                role=role_in(self.principal, role),
                note=note,
            )
            return await view(self.uow, row)

        return await self.once(work)


async def _move_of(
    plan_id: PlanIdPath,
    proposal_id: ProposalId,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> ProposalMove:
    return ProposalMove(plan_id, proposal_id, request, uow, principal, idempotency_key)


Move = Annotated[ProposalMove, Depends(_move_of)]
"""A move, as a route takes it (its path and ``Idempotency-Key`` parameters)."""
