"""The spatial index behind ``POST /zoning/v1/analysis``: an STRtree (shapely 2) over the
current zones and the active licence footprints, and each plan's region (``RegionLayer``).

Geometries are kept in EPSG:4490 for the tree and pre-projected into the two
Gauss-Kruger zones of Pingquan (39 and 40) for areas: an analysis projects the query area
once, into the zone of its centroid, and measures every overlap in that plane with
vectorised GEOS calls. Every instance checks the database's spatial generation before it
answers and rebuilds when a zone, a footprint or a plan changed, so the index stays current
under several instances.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
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

from lode_zoning.adapters.plane_pieces import Cuts, PlanePieces
from lode_zoning.adapters.region_layer import RegionLayer
from lode_zoning.adapters.tables import (
    LicenceFootprint,
    PlanVersion,
    SpatialGeneration,
    ZoneVersion,
)
from lode_zoning.domain.area import area_zone, hectares
from lode_zoning.domain.crs import gk_epsg_for_zone, transform_geometry
from lode_zoning.domain.region import ADMINISTRATIVE_BOUNDARY, PositionInRegion

LONLAT = 4490
ZONES = (39, 40)  # the Gauss-Kruger zones the index keeps projections for
LARGE_VERTICES = 1_000
"""A zone or footprint of more vertices is kept as pieces (``PlanePieces``):
measuring an area against a few of them costs microseconds, against the whole outline
(a county boundary of 60,000 vertices) milliseconds."""


@dataclass(frozen=True, slots=True)
class ZoneEntry:
    zone_id: str
    plan_id: str
    type: str
    code: str
    name_zh: str
    conditions_zh: str | None = None
    """the zone's conditions (``properties.conditions_zh``): what a 限采区 asks of a right"""


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
    region: PositionInRegion | None = None
    """against the region of the plan asked for (``analyse(region_of=...)``)"""


class _Layer:
    """One tree: entries, their lon/lat geometries, and their projections per GK zone.

    A geometry of more than ``LARGE_VERTICES`` vertices (a county boundary has tens of
    thousands) is kept apart, cut into pieces in each plane (``PlanePieces``): an area is
    intersected with the few pieces near it, not with the whole outline (milliseconds per
    analysis), and its overlap is the sum over the geometry's pieces.
    """

    def __init__(
        self, entries: Sequence[Any], geometries: Sequence[Any], cuts: Cuts | None = None
    ) -> None:
        self.entries = list(entries)
        whole = np.asarray(geometries, dtype=object)
        counts = shapely.get_num_coordinates(whole) if len(whole) else np.zeros(0, np.intp)
        self.small = np.flatnonzero(counts <= LARGE_VERTICES)
        self.large = np.flatnonzero(counts > LARGE_VERTICES)
        self.lonlat = whole[self.small] if len(self.large) else whole
        self.tree = STRtree(self.lonlat) if len(self.lonlat) else None
        self.projected = {
            zone: transform_geometry(self.lonlat, LONLAT, gk_epsg_for_zone(zone))
            if len(self.lonlat)
            else self.lonlat
            for zone in ZONES
        }
        self.pieces = (
            {zone: PlanePieces(whole[self.large].tolist(), zone, cuts) for zone in ZONES}
            if len(self.large)
            else {}
        )

    def overlaps(self, area: Any, projected_area: Any, zone: int) -> list[tuple[Any, float]]:
        found = []
        if self.tree is not None:
            hits = self.tree.query(area, predicate="intersects")
            if len(hits):
                areas = shapely.area(
                    shapely.intersection(self.projected[zone][hits], projected_area)
                )
                entries = self.small[hits].tolist() if len(self.large) else hits.tolist()
                found = [
                    (self.entries[i], float(a))
                    for i, a in zip(entries, areas.tolist(), strict=True)
                    if a > 0
                ]
        if self.pieces:
            overlap = self.pieces[zone].overlaps(projected_area)
            found += [(self.entries[self.large[i]], a) for i, a in overlap.items() if a > 0]
        return found


def _regions(
    zones: Sequence[tuple[ZoneEntry, Any]], extents: Mapping[str, Sequence[float]], cuts: Cuts
) -> dict[str, RegionLayer]:
    """Each plan's region: its administrative boundary zones if it has any, else its
    approximate extent."""
    regions = {}
    for plan_id, extent in extents.items():
        boundaries = [
            (entry.zone_id, geometry)
            for entry, geometry in zones
            if entry.plan_id == plan_id and entry.type == ADMINISTRATIVE_BOUNDARY
        ]
        regions[plan_id] = (
            RegionLayer.of_boundaries(boundaries, ZONES, cuts)
            if boundaries
            else RegionLayer.of_extent(extent, ZONES)
        )
    return regions


class SpatialIndex:
    """An immutable snapshot of the zones, footprints and plan regions at one spatial
    generation; ``extents`` are the plans' ``region.approx_extent_lonlat`` by plan id."""

    def __init__(
        self,
        generation: int,
        zones: Sequence[tuple[ZoneEntry, Any]],
        licences: Sequence[tuple[LicenceEntry, Any]],
        extents: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        self.generation = generation
        cuts: Cuts = {}  # a large boundary is cut once, for its zone and for its plan's region
        self._zones = _Layer([z for z, _ in zones], [g for _, g in zones], cuts)
        self._licences = _Layer([lic for lic, _ in licences], [g for _, g in licences])
        self._regions = _regions(zones, extents or {}, cuts)

    def has_plan(self, plan_id: str) -> bool:
        """Whether ``plan_id`` was a plan in force when the index was built."""
        return plan_id in self._regions

    @property
    def size(self) -> tuple[int, int]:
        return len(self._zones.entries), len(self._licences.entries)

    def analyse(
        self,
        area: Any,
        *,
        plan_id: str | None = None,
        exclude_licence: str | None = None,
        region_of: str | None = None,
    ) -> Analysis:
        """Zones and active licences that ``area`` (shapely, EPSG:4490) overlaps, in hectares
        measured in the Gauss-Kruger zone of the area's centroid, and where it lies against
        the region of plan ``region_of`` (``None`` when that plan is not in force)."""
        zone = area_zone(area)
        if zone not in ZONES:
            zone = ZONES[-1]
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
        layer = self._regions.get(region_of) if region_of is not None else None
        region = layer.position(projected, zone) if layer is not None else None
        return Analysis(hectares(float(projected.area)), zone_hits, licence_hits, region)


async def current_generation(session: AsyncSession) -> int:
    row = await session.get(SpatialGeneration, 1)
    return row.generation if row else 0


_local_commits = 0  # spatial changes committed by this process


def _count_local_commit(session: Session) -> None:
    global _local_commits
    if session.info.pop("spatial_changed", False):
        _local_commits += 1


event.listen(Session, "after_commit", _count_local_commit)


def conditions_zh(properties: Mapping[str, Any] | None) -> str | None:
    """A zone's conditions (``properties.conditions_zh``), ``None`` when it states none."""
    value = (properties or {}).get("conditions_zh")
    return (value.strip() or None) if isinstance(value, str) else None


async def bump_generation(session: AsyncSession) -> None:
    """Call in the transaction of any zone, footprint or plan change."""
    row = await session.get(SpatialGeneration, 1, with_for_update=True)
    if row is None:
        session.add(SpatialGeneration(id=1, generation=1))
    else:
        row.generation += 1
    session.sync_session.info["spatial_changed"] = True


@dataclass(frozen=True)
class IndexSources:
    """What an index is built from, as stored: the current active zones (of plans still in
    force: a plan closed by its successor leaves the analysis), the active footprints, and
    the plans' extents, at one spatial generation."""

    generation: int
    zones: list[tuple[ZoneEntry, dict[str, Any]]]
    licences: list[tuple[LicenceEntry, dict[str, Any]]]
    extents: dict[str, list[float]]


async def index_sources(session: AsyncSession) -> IndexSources:
    generation = await current_generation(session)
    plans = (
        await session.execute(
            select(
                col(PlanVersion.plan_id), col(PlanVersion.document), col(PlanVersion.superseded_by)
            ).where(col(PlanVersion.is_current).is_(True))
        )
    ).all()
    closed = {plan_id for plan_id, _, superseded_by in plans if superseded_by}
    zone_rows = (
        await session.execute(
            select(ZoneVersion).where(
                col(ZoneVersion.is_current).is_(True), col(ZoneVersion.status) == "active"
            )
        )
    ).scalars()
    zones = [
        (
            ZoneEntry(z.zone_id, z.plan_id, z.type, z.code, z.name_zh, conditions_zh(z.properties)),
            z.geometry,
        )
        for z in zone_rows
        if z.plan_id not in closed
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
        if f.geometry is not None  # a JSON null stored before NullableJsonType
    ]
    extents = {
        plan_id: [float(v) for v in document["region"]["approx_extent_lonlat"]]
        for plan_id, document, _ in plans
    }
    return IndexSources(generation, zones, licences, extents)


async def build_index(sources: IndexSources) -> SpatialIndex:
    """The index of ``sources``, built in a worker thread (shapes too: thousands of them
    are seconds of CPU)."""

    def build() -> SpatialIndex:
        return SpatialIndex(
            sources.generation,
            [(entry, shape(geometry)) for entry, geometry in sources.zones],
            [(entry, shape(geometry)) for entry, geometry in sources.licences],
            sources.extents,
        )

    return await asyncio.to_thread(build)


async def load_index(session: AsyncSession) -> SpatialIndex:
    return await build_index(await index_sources(session))


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
