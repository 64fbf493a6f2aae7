"""Runs the illustrative demo grants (``LODE_DEMO=1``, :mod:`lode_licensing.demo_grants`)
through the real procedure, before the demo licences are issued.

Each grant goes through the handlers an officer's requests go through (drawn up and
checked, announced, every offer recorded, concluded, contracted), as the demo actor on the
grant's illustrative days, so its rows, steps and events (``grant.announced``,
``.concluded``, ``.failed``, ``.contracted``) are those of a real grant and reach reporting
through the bus. The quarries' grants are drawn up before their licences exist: over its
own licence a grant's area would fail ``licence_overlap``.

Resumable: a grant is found again by its plan (the demo actor's grant of that year,
mineral, method and starting price) and taken on from the state it reached, the offers
already recorded not recorded again. The checks need zoning's analysis of the area: while
zoning answers 503, or answers without the demo zone the grant lies in (its demo zones not
loaded yet), the step is tried again, for at most :data:`ZONING_WAIT_S`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, TypeVar

import structlog
from sqlalchemy import select
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.errors import Unavailable
from lode_licensing.adapters.tables import Grant
from lode_licensing.container import Licensing
from lode_licensing.demo import DEMO_ACTOR
from lode_licensing.demo_grants import DemoGrant
from lode_licensing.handlers import grant_contract, grants
from lode_licensing.handlers import grant_trade as trade

log = structlog.get_logger(__name__)

DEMO_OFFICER: Final = Principal(subject=DEMO_ACTOR, roles=frozenset({"licensing_officer"}))
"""The demo actor, acting as the licensing officer who records the grants."""
ZONING_WAIT_S: Final = 120.0
"""How long the demo waits for zoning's analysis (up, with its demo zones) before the
licences are loaded without the grants: zoning may run without the demo."""
RETRY_S: Final = 1.0

T = TypeVar("T")


class ZoningNotReady(Exception):
    """Zoning did not analyse a grant's area with the demo zones in time."""


async def run_demo_grants(service: Licensing, specs: Sequence[DemoGrant]) -> dict[str, str]:
    """Carry each grant to its outcome; the ids of the contracted ones by the number of the
    licence each gave. ZoningNotReady when zoning did not answer in time; a refusal of
    the procedure (the demo data at odds with the plan or the settings) is raised as is."""
    deadline = asyncio.get_running_loop().time() + ZONING_WAIT_S
    granted: dict[str, str] = {}
    for spec in specs:
        grant_id = await _carry(service, spec, deadline)
        if spec.licence_no is not None and grant_id is not None:
            granted[spec.licence_no] = grant_id
    return granted


async def _carry(service: Licensing, spec: DemoGrant, deadline: float) -> str | None:
    """Take one grant from where it is to its outcome; its id, or None when it stands
    elsewhere (an officer cancelled it): then no licence names it."""
    grant_id = await _find(service, spec)
    if grant_id is None:
        grant_id = await _zoning(deadline, lambda: _create(service, spec))
    while (status := await _status(service, grant_id)) != spec.outcome:
        if status == "draft":
            await _zoning(deadline, lambda: _announce(service, spec, grant_id))
        elif status == "announced":
            await _offers(service, spec, grant_id)
            await _conclude(service, spec, grant_id)
        elif status == "concluded" and spec.outcome == "contracted":
            await _contract(service, spec, grant_id)
        else:
            log.warning(
                "demo grant left as it stands", grant_id=grant_id, status=status, to=spec.outcome
            )
            return None
    return grant_id


async def _zoning(deadline: float, step: Callable[[], Awaitable[T]]) -> T:
    """Run a step that asks zoning, again while zoning cannot answer (until ``deadline``)."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            return await step()
        except (Unavailable, ZoningNotReady) as exc:
            if loop.time() > deadline:
                raise ZoningNotReady(str(exc)) from exc
            await asyncio.sleep(RETRY_S)


async def _find(service: Licensing, spec: DemoGrant) -> str | None:
    query = select(Grant).where(
        col(Grant.created_by) == DEMO_ACTOR,
        col(Grant.year) == spec.year,
        col(Grant.mineral) == spec.mineral,
        col(Grant.method) == spec.method,
    )
    async with service.runtime.sessions() as session:
        rows = (await session.execute(query.order_by(col(Grant.created_at)))).scalars()
        price = spec.starting_price_cny_10k
        return next((r.id for r in rows if r.starting_price_cny_10k == price), None)


async def _status(service: Licensing, grant_id: str) -> str:
    async with service.runtime.sessions() as session:
        return (await grants.load(session, grant_id)).status


async def _create(service: Licensing, spec: DemoGrant) -> str:
    async with service.runtime.uow() as uow:
        row = await grants.create(service, uow, spec.plan_body(), DEMO_OFFICER)
        if spec.zone_code not in {zone["code"] for zone in row.zones}:
            raise ZoningNotReady(f"zoning's analysis of the area does not name {spec.zone_code}")
        await uow.commit()
        return row.id


async def _announce(service: Licensing, spec: DemoGrant, grant_id: str) -> None:
    days = spec.timeline
    given = trade.Announcement(days.announced_on, days.trade_from, days.trade_to, spec.review_note)
    async with service.runtime.uow() as uow:
        await trade.announce(service, uow, grant_id, given, DEMO_OFFICER)
        await uow.commit()


async def _offers(service: Licensing, spec: DemoGrant, grant_id: str) -> None:
    """Record the offers not recorded yet (of the current announcement), one by one."""
    async with service.runtime.sessions() as session:
        row = await grants.load(session, grant_id)
        recorded = len(await grants.bids_of(session, grant_id, row.announcement))
    for offer in spec.offers[recorded:]:
        given = trade.Offered(
            offer.bidder.name, offer.bidder.credit_code, offer.amount_cny_10k, offer.at
        )
        async with service.runtime.uow() as uow:
            await trade.bid(service, uow, grant_id, given, DEMO_OFFICER)
            await uow.commit()


async def _conclude(service: Licensing, spec: DemoGrant, grant_id: str) -> None:
    async with service.runtime.uow() as uow:
        await trade.conclude(service, uow, grant_id, spec.timeline.concluded_on, DEMO_OFFICER)
        await uow.commit()


async def _contract(service: Licensing, spec: DemoGrant, grant_id: str) -> None:
    given = grant_contract.Contract(spec.timeline.signed_on, spec.instalments, spec.contract_ref)
    async with service.runtime.uow() as uow:
        await grant_contract.contract(uow, grant_id, given, DEMO_OFFICER)
        await uow.commit()
