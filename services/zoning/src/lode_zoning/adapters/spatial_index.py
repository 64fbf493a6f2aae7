"""The spatial index behind ``POST /zoning/v1/analysis``: an STRtree (shapely 2) over the
current zones and the active licence footprints.

Geometries are kept in EPSG:4490 for the tree and pre-projected into the two
Gauss-Kruger zones of Pingquan (39 and 40) for areas: an analysis projects the query area
once, into the zone of its centroid, and measures every overlap in that plane with
vectorised GEOS calls. Every instance checks the database's spatial generation before it
answers and rebuilds when a zone or a footprint changed, so the index stays current under
several instances.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import shape
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlmodel import col

from lode_zoning.adapters.tables import LicenceFootprint, SpatialGeneration, ZoneVersion
from lode_zoning.domain.area import area_zone, hectares
from lode_zoning.domain.crs import gk_epsg_for_zone, transform_geometry

LONLAT = 4490
ZONES = (39, 40)  # the Gauss-Kruger zones the index keeps projections for


@dataclass(frozen=True, slots=True)
class ZoneEntry:
    zone_id: str
    plan_id: str
    type: str
    code: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class LicenceEntry:
    licence_no: str
    right_type: str
    holder_credit_code: str
    status: str


@dataclass(frozen=True, slots=True)
class ZoneOverlap:
    zone: ZoneEntry
    overlap_ha: Decimal


@dataclass(frozen=True, slots=True)
class LicenceOverlap:
    licence: LicenceEntry
    overlap_ha: Decimal


@dataclass(frozen=True, slots=True)
class Analysis:
    area_ha: Decimal
    zones: list[ZoneOverlap]
    licences: list[LicenceOverlap]


class _Layer:
    """One tree: entries, their lon/lat geometries, and their projections per GK zone."""

    def __init__(self, entries: Sequence[Any], geometries: Sequence[Any]) -> None:
        self.entries = list(entries)
        self.lonlat = np.asarray(geometries, dtype=object)
        self.tree = STRtree(self.lonlat) if len(self.lonlat) else None
        self.projected = {
            zone: transform_geometry(self.lonlat, LONLAT, gk_epsg_for_zone(zone))
            if len(self.lonlat)
            else self.lonlat
            for zone in ZONES
        }

    def overlaps(self, area: Any, projected_area: Any, zone: int) -> list[tuple[Any, float]]:
        if self.tree is None:
            return []
        hits = self.tree.query(area, predicate="intersects")
        if not len(hits):
            return []
        areas = shapely.area(shapely.intersection(self.projected[zone][hits], projected_area))
        return [
            (self.entries[i], float(a))
            for i, a in zip(hits.tolist(), areas.tolist(), strict=True)
            if a > 0
        ]


class SpatialIndex:
    """An immutable snapshot of the zones and footprints at one spatial generation."""

    def __init__(
        self,
        generation: int,
        zones: Sequence[tuple[ZoneEntry, Any]],
        licences: Sequence[tuple[LicenceEntry, Any]],
    ) -> None:
        self.generation = generation
        self._zones = _Layer([z for z, _ in zones], [g for _, g in zones])
        self._licences = _Layer([lic for lic, _ in licences], [g for _, g in licences])

    @property
    def size(self) -> tuple[int, int]:
        return len(self._zones.entries), len(self._licences.entries)

    def analyse(
        self, area: Any, *, plan_id: str | None = None, exclude_licence: str | None = None
    ) -> Analysis:
        """Zones and active licences that ``area`` (shapely, EPSG:4490) overlaps, in hectares
        measured in the Gauss-Kruger zone of the area's centroid."""
        zone = area_zone(area) if area_zone(area) in ZONES else ZONES[-1]
        projected = transform_geometry(area, LONLAT, gk_epsg_for_zone(zone))
        zone_hits = [
            ZoneOverlap(entry, hectares(m2))
            for entry, m2 in self._zones.overlaps(area, projected, zone)
            if plan_id is None or entry.plan_id == plan_id
        ]
        licence_hits = [
            LicenceOverlap(entry, hectares(m2))
            for entry, m2 in self._licences.overlaps(area, projected, zone)
            if entry.licence_no != exclude_licence
        ]
        zone_hits.sort(key=lambda z: (z.zone.type, z.zone.code))
        licence_hits.sort(key=lambda lic: lic.licence.licence_no)
        return Analysis(hectares(float(projected.area)), zone_hits, licence_hits)


async def current_generation(session: AsyncSession) -> int:
    row = await session.get(SpatialGeneration, 1)
    return row.generation if row else 0


_local_commits = 0  # spatial changes committed by this process


def _count_local_commit(session: Session) -> None:
    global _local_commits
    if session.info.pop("spatial_changed", False):
        _local_commits += 1


event.listen(Session, "after_commit", _count_local_commit)


async def bump_generation(session: AsyncSession) -> None:
    """Call in the transaction of any zone or footprint change."""
    row = await session.get(SpatialGeneration, 1, with_for_update=True)
    if row is None:
        session.add(SpatialGeneration(id=1, generation=1))
    else:
        row.generation += 1
    session.sync_session.info["spatial_changed"] = True


async def load_index(session: AsyncSession) -> SpatialIndex:
    generation = await current_generation(session)
    zone_rows = (
        await session.execute(
            select(ZoneVersion).where(
                col(ZoneVersion.is_current).is_(True), col(ZoneVersion.status) == "active"
            )
        )
    ).scalars()
    zones = [
        (ZoneEntry(z.zone_id, z.plan_id, z.type, z.code, z.name_zh), z.geometry) for z in zone_rows
    ]
    licence_rows = (
        await session.execute(
            select(LicenceFootprint).where(
                col(LicenceFootprint.status) == "active",
                col(LicenceFootprint.geometry).is_not(None),
            )
        )
    ).scalars()
    licences = [
        (
            LicenceEntry(f.licence_no, f.right_type, f.holder_credit_code, f.status),
            f.geometry,
        )
        for f in licence_rows
    ]

    def build() -> SpatialIndex:  # shapes too: thousands of them are seconds of CPU
        return SpatialIndex(
            generation,
            [(entry, shape(geometry)) for entry, geometry in zones],
            [(entry, shape(geometry)) for entry, geometry in licences],
        )

    return await asyncio.to_thread(build)


class IndexHolder:
    """Hands out an index no older than the database.

    A change committed by this process is seen at once; one committed by another instance
    within ``max_staleness_s`` (the database's spatial generation is read at most that
    often, since reading it costs more than the analysis itself). Licence footprints reach
    zoning by events anyway, so a quarter of a second changes nothing a caller can rely on.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, max_staleness_s: float = 0.25
    ) -> None:
        self._sessions = sessions
        self._index: SpatialIndex | None = None
        self._lock = asyncio.Lock()
        self._max_staleness_s = max_staleness_s
        self._checked_at = float("-inf")
        self._local_seen = -1

    async def current(self) -> SpatialIndex:
        loop = asyncio.get_running_loop()
        fresh = (
            self._index is not None
            and self._local_seen == _local_commits
            and loop.time() - self._checked_at < self._max_staleness_s
        )
        if fresh:
            assert self._index is not None
            return self._index
        async with self._lock:
            local = _local_commits
            async with self._sessions() as session:
                generation = await current_generation(session)
                if self._index is None or self._index.generation != generation:
                    self._index = await load_index(session)
            self._checked_at = loop.time()
            self._local_seen = local
        return self._index
