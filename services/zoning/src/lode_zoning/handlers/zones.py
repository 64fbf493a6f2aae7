"""Zones and planning blocks (分区、规划区块): created, changed by new versions, retired.

Nothing is deleted: a change writes version n+1 and clears ``is_current`` on version n; a
retirement is a version with ``status: retired``. Each writes its event in the same unit of
work and moves the spatial generation, so every instance's index follows.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import ZoneChanged, ZoneCreated, ZoneRetired
from lode_common.messaging.outbox import UnitOfWork
from lode_zoning.adapters.spatial_index import bump_generation
from lode_zoning.adapters.tables import PlanVersion, ZoneVersion
from lode_zoning.domain.area import area_ha
from lode_zoning.domain.geometry import shape_to_geojson
from lode_zoning.handlers.plans import current_version


class ZoneError(Exception):
    """Base of the zone command errors; ``field`` names the offending input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownPlan(ZoneError):
    pass


class UnknownZone(ZoneError):
    pass


class InvalidZone(ZoneError):
    pass


class ZoneConflict(ZoneError):
    pass


@dataclass
class ZoneInput:
    """A zone as checked at the edge. Its stored GeoJSON and area are worked out when it is
    built, so building it off the event loop takes the geometry work with it."""

    plan_id: str
    type: str
    code: str
    name_zh: str
    geometry: Polygon | MultiPolygon  # EPSG:4490
    minerals: list[str] = field(default_factory=list)
    illustrative: bool = False
    properties: dict[str, Any] = field(default_factory=dict)
    geojson: dict[str, Any] = field(init=False)
    area_ha: Decimal = field(init=False)

    def __post_init__(self) -> None:
        self.geojson = shape_to_geojson(self.geometry)
        self.area_ha = area_ha(self.geometry)


async def plan_in_force(session: AsyncSession, plan_id: str) -> PlanVersion:
    plan = await current_version(session, plan_id)
    if plan is None:
        raise UnknownPlan(
            f"there is no plan {plan_id!r}; GET /zoning/v1/plans lists them", "plan_id"
        )
    return plan


def _zone_types(plan: PlanVersion) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in plan.document["zones"]["types"]}


async def _code_taken(session: AsyncSession, plan_id: str, code: str, but: str | None) -> bool:
    query = select(func.count()).where(
        col(ZoneVersion.plan_id) == plan_id,
        col(ZoneVersion.code) == code,
        col(ZoneVersion.is_current).is_(True),
        col(ZoneVersion.status) == "active",
    )
    if but:
        query = query.where(col(ZoneVersion.zone_id) != but)
    return bool((await session.execute(query)).scalar_one())


def _row(
    zone_id: str, version: int, z: ZoneInput, status: str, actor: str, reason: str | None
) -> ZoneVersion:
    west, south, east, north = z.geometry.bounds
    return ZoneVersion(
        zone_id=zone_id,
        version=version,
        plan_id=z.plan_id,
        type=z.type,
        code=z.code,
        name_zh=z.name_zh,
        minerals=list(z.minerals),
        status=status,
        illustrative=z.illustrative,
        geometry=z.geojson,
        area_ha=z.area_ha,
        min_lon=west,
        min_lat=south,
        max_lon=east,
        max_lat=north,
        is_current=True,
        properties=dict(z.properties),
        changed_at=datetime.now(UTC),
        changed_by=actor,
        reason=reason,
    )


def _event_fields(row: ZoneVersion) -> dict[str, Any]:
    return {
        "zone_id": row.zone_id,
        "plan_id": row.plan_id,
        "type": row.type,
        "code": row.code,
        "name_zh": row.name_zh,
        "version": row.version,
        "geometry": row.geometry,
        "minerals": row.minerals,
        "illustrative": row.illustrative,
    }


async def check_input(session: AsyncSession, z: ZoneInput, *, zone_id: str | None) -> None:
    plan = await plan_in_force(session, z.plan_id)
    types = _zone_types(plan)
    if z.type not in types:
        raise InvalidZone(
            f"zone type {z.type!r} is not one of the plan's: {', '.join(sorted(types))}",
            "properties.type",
        )
    if not z.code.strip():
        raise InvalidZone("a zone needs a code (编号)", "properties.code")
    if await _code_taken(session, z.plan_id, z.code, zone_id):
        raise ZoneConflict(
            f"plan {z.plan_id} already has a zone with code {z.code!r}; change that zone "
            "(PUT /zoning/v1/zones/{id}) or choose another code",
            "properties.code",
        )


async def create(
    uow: UnitOfWork, z: ZoneInput, *, actor: str, zone_id: str | None = None
) -> ZoneVersion:
    """A new zone at version 1 (``zone.created``). Raises a ``ZoneError``."""
    await check_input(uow.session, z, zone_id=None)
    row = _row(zone_id or str(uuid.uuid4()), 1, z, "active", actor, None)
    uow.session.add(row)
    await bump_generation(uow.session)
    uow.emit(ZoneCreated(**_event_fields(row)), subject=row.zone_id)
    return row


async def current(session: AsyncSession, zone_id: str) -> ZoneVersion:
    row = (
        await session.execute(
            select(ZoneVersion)
            .where(col(ZoneVersion.zone_id) == zone_id, col(ZoneVersion.is_current).is_(True))
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise UnknownZone(f"there is no zone {zone_id!r}; GET /zoning/v1/zones lists them")
    return row


async def _supersede(session: AsyncSession, row: ZoneVersion) -> None:
    await session.execute(
        update(ZoneVersion)
        .where(col(ZoneVersion.zone_id) == row.zone_id, col(ZoneVersion.version) == row.version)
        .values(is_current=False)
    )


async def change(
    uow: UnitOfWork, zone_id: str, z: ZoneInput, *, actor: str, reason: str
) -> ZoneVersion:
    """Version n+1 of an active zone (``zone.changed``); the old version is kept."""
    old = await current(uow.session, zone_id)
    if old.status != "active":
        raise ZoneConflict(f"zone {zone_id} is retired; a retired zone cannot change")
    if z.plan_id != old.plan_id:
        raise InvalidZone(
            "a zone cannot move to another plan; retire it and create a new one",
            "properties.plan_id",
        )
    await check_input(uow.session, z, zone_id=zone_id)
    await _supersede(uow.session, old)
    row = _row(zone_id, old.version + 1, z, "active", actor, reason)
    uow.session.add(row)
    await bump_generation(uow.session)
    uow.emit(ZoneChanged(**_event_fields(row)), subject=zone_id)
    return row


async def retire(uow: UnitOfWork, zone_id: str, *, actor: str, reason: str) -> ZoneVersion:
    """A last version with ``status: retired`` (``zone.retired``)."""
    old = await current(uow.session, zone_id)
    if old.status != "active":
        raise ZoneConflict(f"zone {zone_id} is already retired (version {old.version})")
    await _supersede(uow.session, old)
    # built, not validated: the retired version repeats the stored one as it is
    row = ZoneVersion(
        **old.model_dump()
        | {
            "version": old.version + 1,
            "status": "retired",
            "is_current": True,
            "changed_at": datetime.now(UTC),
            "changed_by": actor,
            "reason": reason,
        }
    )
    uow.session.add(row)
    await bump_generation(uow.session)
    uow.emit(ZoneRetired(**_event_fields(row)), subject=zone_id)
    return row


async def history(session: AsyncSession, zone_id: str) -> list[ZoneVersion]:
    rows = list(
        (
            await session.execute(
                select(ZoneVersion)
                .where(col(ZoneVersion.zone_id) == zone_id)
                .order_by(col(ZoneVersion.version))
            )
        ).scalars()
    )
    if not rows:
        raise UnknownZone(f"there is no zone {zone_id!r}; GET /zoning/v1/zones lists them")
    return rows


@dataclass(frozen=True)
class ZoneQuery:
    plan_id: str | None = None
    types: Sequence[str] = ()
    code: str | None = None
    text: str | None = None
    """Part of the name (name_zh) or the code."""
    bbox: tuple[float, float, float, float] | None = None
    status: str | None = "active"
    limit: int | None = 100
    offset: int = 0


async def search(session: AsyncSession, q: ZoneQuery) -> tuple[list[ZoneVersion], int]:
    query = select(ZoneVersion).where(col(ZoneVersion.is_current).is_(True))
    if q.plan_id:
        query = query.where(col(ZoneVersion.plan_id) == q.plan_id)
    if q.types:
        query = query.where(col(ZoneVersion.type).in_(list(q.types)))
    if q.status:
        query = query.where(col(ZoneVersion.status) == q.status)
    if q.code:
        query = query.where(col(ZoneVersion.code) == q.code)
    if q.text:
        query = query.where(
            col(ZoneVersion.name_zh).icontains(q.text, autoescape=True)
            | col(ZoneVersion.code).icontains(q.text, autoescape=True)
        )
    if q.bbox:
        west, south, east, north = q.bbox
        query = query.where(
            col(ZoneVersion.max_lon) >= west,
            col(ZoneVersion.min_lon) <= east,
            col(ZoneVersion.max_lat) >= south,
            col(ZoneVersion.min_lat) <= north,
        )
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    ordered = query.order_by(
        col(ZoneVersion.plan_id), col(ZoneVersion.type), col(ZoneVersion.code)
    ).offset(q.offset)
    if q.limit is not None:
        ordered = ordered.limit(q.limit)
    return list((await session.execute(ordered)).scalars()), int(total)
