"""Loads the illustrative demo licences (``LODE_DEMO=1``) once the plan has arrived.

A background job rather than a start-up hook: the licences are registered through the same
code as real ones (history, ``licence.issued`` events for zoning, monitoring and
reporting), and the plan in force must have reached licensing first. The expiry job then
lapses those whose term has run out, announcing each (so zoning frees their blocks).
"""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy import func, select
from sqlmodel import col

from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_licensing.adapters.tables import Licence
from lode_licensing.container import Licensing
from lode_licensing.demo import demo_licences
from lode_licensing.domain import licence as domain
from lode_licensing.domain.minerals import Capacity
from lode_licensing.domain.party import Party
from lode_licensing.domain.restoration import RestorationMilestone
from lode_licensing.handlers import licences
from lode_licensing.handlers.jobs import expire_once

log = structlog.get_logger(__name__)
DEMO_ACTOR = "demo"


async def load_demo_licences(runtime: ServiceRuntime) -> None:
    if not runtime.settings.demo:
        return
    service = Licensing.of(runtime)
    while True:
        async with runtime.uow() as uow:
            present = (
                await uow.session.execute(
                    select(func.count()).where(col(Licence.illustrative).is_(True))
                )
            ).scalar_one()
            if present:
                return
            try:
                in_force = await service.rules.following(uow.session, service.plan_id)
            except PlanNotLoaded:
                await asyncio.sleep(0.5)
                continue
            demo = await asyncio.to_thread(demo_licences)
            for event in demo:
                capacity = event.capacity
                await licences.issue(
                    uow,
                    domain.Licence(
                        licence_no=event.licence_no,
                        right_type=event.right_type,
                        holder=Party(event.holder.name, event.holder.credit_code),
                        mineral_zh=event.mineral,
                        valid_from=event.valid_from,
                        valid_to=event.valid_to,
                        mining_method=event.mining_method,
                        capacity=Capacity(capacity.value, capacity.unit) if capacity else None,
                        scale=event.scale,
                        area=event.area,
                        restoration_plan=tuple(
                            RestorationMilestone(m.year, m.restored_area_ha)
                            for m in event.restoration_plan
                        ),
                        green_mine=event.green_mine,
                    ),
                    rules=in_force.rules,
                    actor=DEMO_ACTOR,
                    application_id=None,
                    illustrative=True,
                )
            await uow.commit()
        log.info("illustrative demo licences loaded", licences=len(demo))
        await expire_once(runtime)
        return
