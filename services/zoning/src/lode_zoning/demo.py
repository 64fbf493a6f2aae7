"""Loads the illustrative demo zones (示意) for Pingquan on start when ``LODE_DEMO=1``.

The geography itself (zones, outline, polygon generators) lives in
:mod:`lode_common.demo.pingquan`, shared with the licensing service's demo licences, which
are placed inside these zones. Every zone stored here is marked ``illustrative: true``.
"""

from __future__ import annotations

import structlog
from sqlalchemy import func, select
from sqlmodel import col

from lode_common.demo.pingquan import (
    BOUNDARY_CODE,
    BOUNDARY_NAME_ZH,
    CENTRE,
    CITY_AREA_HA,
    DEMO_ZONES,
    NOTE,
    DemoZone,
    blob,
    boundary,
    demo_zone_geometries,
)
from lode_common.runtime import ServiceRuntime
from lode_zoning.adapters.tables import ZoneVersion
from lode_zoning.container import Zoning
from lode_zoning.handlers import zones
from lode_zoning.handlers.plans import current_version
from lode_zoning.handlers.zones import ZoneInput

__all__ = [
    "CENTRE",
    "CITY_AREA_HA",
    "DEMO_ACTOR",
    "DEMO_CONDITIONS_ZH",
    "DEMO_ZONES",
    "NOTE",
    "DemoZone",
    "blob",
    "boundary",
    "load_demo_zones",
]

log = structlog.get_logger(__name__)
DEMO_ACTOR = "demo"
DEMO_CONDITIONS_ZH = {
    "restricted_mining_area": "示意管控要求：限采区收缩（《规划》第一章第二节）；"
    "在此新设或扩大采矿权须经审查",
}
"""Illustrative conditions (``properties.conditions_zh``) by zone type: the plan names the
principle (限采区收缩) but its maps and their conditions are not public."""


async def load_demo_zones(runtime: ServiceRuntime) -> None:
    """Start-up hook: with ``LODE_DEMO=1`` and no demo zones yet, create them in the
    deployment's plan (``settings.plan_id``), once it is published (idempotent)."""
    if not runtime.settings.demo:
        return
    plan_id = Zoning.of(runtime).settings.plan_id
    async with runtime.uow() as uow:
        if await current_version(uow.session, plan_id) is None:
            log.info("no demo zones: the plan is not published", plan_id=plan_id)
            return
        present = (
            await uow.session.execute(
                select(func.count()).where(
                    col(ZoneVersion.plan_id) == plan_id,
                    col(ZoneVersion.illustrative).is_(True),
                )
            )
        ).scalar_one()
        if present:
            return
        outline = ZoneInput(
            plan_id=plan_id,
            type="administrative_boundary",
            code=BOUNDARY_CODE,
            name_zh=BOUNDARY_NAME_ZH,
            geometry=boundary(),
            illustrative=True,
            properties={"note": NOTE},
        )
        await zones.create(uow, outline, actor=DEMO_ACTOR)
        for z, polygon in demo_zone_geometries():
            await zones.create(
                uow,
                ZoneInput(
                    plan_id=plan_id,
                    type=z.type,
                    code=z.code,
                    name_zh=z.name_zh,
                    geometry=polygon,
                    minerals=list(z.minerals),
                    illustrative=True,
                    properties={"note": NOTE}
                    | (
                        {"conditions_zh": DEMO_CONDITIONS_ZH[z.type]}
                        if z.type in DEMO_CONDITIONS_ZH
                        else {}
                    ),
                ),
                actor=DEMO_ACTOR,
            )
        await uow.commit()
    log.info("illustrative demo zones loaded", zones=len(DEMO_ZONES) + 1)
