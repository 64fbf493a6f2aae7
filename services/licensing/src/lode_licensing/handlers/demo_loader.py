"""Loads the illustrative demo data (``LODE_DEMO=1``) once the plan has arrived: the
competitive grants (:mod:`.demo_grants`), then the licences, the three quarries' naming
their grants.

A background job rather than a start-up hook: grants and licences are registered through
the same code as real ones (steps and history, ``grant.*`` and ``licence.issued`` events
for zoning, monitoring and reporting), and the plan in force must have reached licensing
first. The grants come first, their areas analysed by zoning before any demo licence is
there (a quarry's grant over its own licence would overlap it). The expiry job then lapses
the licences whose term has run out, announcing each (so zoning frees their blocks).

Once the licences are in, the loader does nothing more: a data directory loaded before the
demo had grants keeps its licences without them.
"""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_licensing.adapters.tables import Licence
from lode_licensing.container import Licensing
from lode_licensing.demo import DEMO_ACTOR, demo_licences
from lode_licensing.demo_grants import demo_grants
from lode_licensing.domain import licence as domain
from lode_licensing.domain.errors import LicensingError
from lode_licensing.domain.minerals import Capacity
from lode_licensing.domain.party import Party
from lode_licensing.domain.restoration import RestorationMilestone
from lode_licensing.handlers import licences
from lode_licensing.handlers.demo_grants import ZoningNotReady, run_demo_grants
from lode_licensing.handlers.grants import grant_rules
from lode_licensing.handlers.jobs import expire_once

log = structlog.get_logger(__name__)
__all__ = ["DEMO_ACTOR", "load_demo_licences"]


async def _loaded(session: AsyncSession) -> bool:
    """Whether the illustrative licences are in (then the demo is loaded)."""
    count = select(func.count()).where(col(Licence.illustrative).is_(True))
    return bool((await session.execute(count)).scalar_one())


async def _plan_known(service: Licensing) -> bool:
    """Wait for the plan in force; False when the demo is loaded already."""
    while True:
        async with service.runtime.sessions() as session:
            if await _loaded(session):
                return False
            try:
                await service.rules.following(session, service.plan_id)
                return True
            except PlanNotLoaded:
                pass
        await asyncio.sleep(0.5)


async def _grants(service: Licensing) -> dict[str, str]:
    """Run the demo grants; the contracted ones' ids by licence number (none when zoning
    could not analyse their areas, or the procedure refused one under the deployment's
    settings: logged, and the licences are loaded all the same)."""
    rules = grant_rules(service.settings)
    try:
        specs = await asyncio.to_thread(demo_grants, rules, service.workdays)
        granted = await run_demo_grants(service, specs)
    except ZoningNotReady as exc:
        log.warning("illustrative demo grants not loaded: zoning did not answer", reason=str(exc))
        return {}
    except (LicensingError, ValueError):  # ValueError: a day the calendar does not know
        log.exception("illustrative demo grants refused by the procedure")
        return {}
    log.info("illustrative demo grants loaded", grants=len(specs), contracted=len(granted))
    return granted


async def load_demo_licences(runtime: ServiceRuntime) -> None:
    if not runtime.settings.demo:
        return
    service = Licensing.of(runtime)
    if not await _plan_known(service):
        return
    granted = await _grants(service)
    demo = await asyncio.to_thread(
        demo_licences, rules=grant_rules(service.settings), calendar=service.workdays
    )
    async with runtime.uow() as uow:
        if await _loaded(uow.session):
            return
        in_force = await service.rules.following(uow.session, service.plan_id)
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
                    grant_id=granted.get(event.licence_no),
                ),
                rules=in_force.rules,
                actor=DEMO_ACTOR,
                application_id=None,
                illustrative=True,
            )
        await uow.commit()
    log.info("illustrative demo licences loaded", licences=len(demo), granted=len(granted))
    await expire_once(runtime)
