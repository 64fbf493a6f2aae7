"""The spatial index as it would be if a proposal were approved (analysis under a proposal).

The stored zones with the proposal's changes laid over them: its changed zones replace
theirs, its retired zones leave, its new zones join; for a successor plan the predecessor's
zones are carried over to the successor (as its approval would copy them) and the
successor's region is the proposed document's. An overlay costs what building the index
costs, so it is built once per proposal and kept while neither the proposal
(``updated_at``) nor the stored zones (the spatial generation) change: the plain analysis
path is untouched.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from lode_zoning.adapters.spatial_index import (
    IndexSources,
    SpatialIndex,
    ZoneEntry,
    build_index,
    conditions_zh,
)

OVERLAYS_KEPT = 8
"""Overlays kept per process: a proposal under discussion is analysed many times."""
OverlayKey = tuple[str, datetime, int]
"""(proposal id, its updated_at, the spatial generation)."""


@dataclass(frozen=True)
class ProposedZone:
    """A zone as the proposal would make it (``zone_id``: the zone it changes, or a
    provisional id for a new one)."""

    zone_id: str
    plan_id: str
    type: str
    code: str
    name_zh: str
    properties: Mapping[str, Any]
    geometry: dict[str, Any]


@dataclass(frozen=True)
class Overlay:
    """What a proposal changes in the index's sources."""

    plan_id: str
    proposed_plan_id: str
    extent: list[float]
    zones: list[ProposedZone]
    removed: frozenset[str] = field(default_factory=frozenset)
    """zones the proposal changes or retires (replaced or gone)"""


def overlaid(sources: IndexSources, overlay: Overlay) -> IndexSources:
    """``sources`` with ``overlay`` applied: for a successor, the predecessor's zones move to
    it (as approval carries them over)."""
    succession = overlay.proposed_plan_id != overlay.plan_id
    zones: list[tuple[ZoneEntry, dict[str, Any]]] = []
    for entry, geometry in sources.zones:
        if entry.zone_id in overlay.removed:
            continue
        if succession and entry.plan_id == overlay.plan_id:
            entry = replace(entry, plan_id=overlay.proposed_plan_id)
        zones.append((entry, geometry))
    zones += [
        (
            ZoneEntry(z.zone_id, z.plan_id, z.type, z.code, z.name_zh, conditions_zh(z.properties)),
            z.geometry,
        )
        for z in overlay.zones
    ]
    extents = {**sources.extents, overlay.proposed_plan_id: list(overlay.extent)}
    return IndexSources(sources.generation, zones, sources.licences, extents)


class OverlayCache:
    """The last ``OVERLAYS_KEPT`` overlay indexes, by (proposal, updated_at, generation)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[OverlayKey, SpatialIndex] = OrderedDict()
        self._lock = asyncio.Lock()

    def get(self, key: OverlayKey) -> SpatialIndex | None:
        index = self._kept.get(key)
        if index is not None:
            self._kept.move_to_end(key)
        return index

    async def build(self, key: OverlayKey, sources: IndexSources, overlay: Overlay) -> SpatialIndex:
        async with self._lock:
            if (kept := self.get(key)) is not None:
                return kept
            index = await build_index(overlaid(sources, overlay))
            self._kept[key] = index
            while len(self._kept) > OVERLAYS_KEPT:
                self._kept.popitem(last=False)
            return index

    def keys(self) -> Iterable[OverlayKey]:
        return tuple(self._kept)
