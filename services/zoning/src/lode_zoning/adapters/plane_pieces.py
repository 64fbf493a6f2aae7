"""Large geometries cut into pieces in one Gauss-Kruger plane, with a tree over the pieces.

A county boundary has tens of thousands of vertices: intersecting an area with it costs
milliseconds, with the few pieces of at most ``domain.region.PIECE_VERTICES`` vertices near
the area microseconds. The cut is made in the plane the area is measured in, not in
lon/lat: a cut's straight edge and the vertices other cuts add on it stay on one line there,
so the pieces tile the geometry exactly in that plane (cut in lon/lat and projected, the
vertices a neighbour adds on a shared edge would leave slivers between pieces).

Built once per index (never per request) and only read afterwards, so the threads that
analyse large areas share it as they share the index's other trees. The cuts of one build
are shared (``Cuts``): a county boundary is both a zone and, alone, the plan's region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely import STRtree

from lode_zoning.domain.crs import gk_epsg_for_zone, transform_geometry
from lode_zoning.domain.region import subdivide

LONLAT = 4490

Cuts = dict[tuple[int, int], list[Any]]
"""The pieces of a geometry in a plane, by ``(id(geometry), zone)``, for one index build."""


class PlanePieces:
    """``geometries`` (EPSG:4490) in the plane of Gauss-Kruger ``zone``, each cut into
    pieces that remember which geometry they belong to (its index: the owner)."""

    def __init__(self, geometries: Sequence[Any], zone: int, cuts: Cuts | None = None) -> None:
        cuts = {} if cuts is None else cuts
        parts = [self._cut(g, zone, cuts) for g in geometries]
        self.owners = np.asarray([i for i, cut in enumerate(parts) for _ in cut], dtype=np.intp)
        self.pieces = np.asarray([p for cut in parts for p in cut], dtype=object)
        self.tree = STRtree(self.pieces)

    @staticmethod
    def _cut(geometry: Any, zone: int, cuts: Cuts) -> list[Any]:
        key = (id(geometry), zone)
        if key not in cuts:
            projected = transform_geometry(geometry, LONLAT, gk_epsg_for_zone(zone))
            cuts[key] = subdivide(projected)
        return cuts[key]

    def __len__(self) -> int:
        return len(self.pieces)

    def overlaps(self, projected_area: Any) -> dict[int, float]:
        """Square metres of ``projected_area`` (in this plane) in each geometry it meets."""
        hits = self.tree.query(projected_area, predicate="intersects")
        if not len(hits):
            return {}
        areas = shapely.area(shapely.intersection(self.pieces[hits], projected_area))
        overlap: dict[int, float] = {}
        for owner, a in zip(self.owners[hits].tolist(), areas.tolist(), strict=True):
            overlap[owner] = overlap.get(owner, 0.0) + a
        return overlap

    def covers(self, projected_area: Any) -> bool:
        """Whether one piece covers ``projected_area``: it is inside, with no overlay."""
        return bool(len(self.tree.query(projected_area, predicate="covered_by")))

    def distance(self, projected_area: Any) -> float:
        """Metres from ``projected_area`` to the nearest piece (0 when it meets one)."""
        _, distances = self.tree.query_nearest(projected_area, return_distance=True)
        return float(distances.min())
