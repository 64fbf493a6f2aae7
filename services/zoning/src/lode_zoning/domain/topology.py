"""Where rings cross: self-intersections located by edge, for messages that say where.

GEOS (``explain_validity``) names one self-intersection point; a surveyor fixing a corner
list wants every crossing and the two edges involved. Edges are indexed by their first
vertex in the ring as given, so edge ``i`` runs from point ``i`` to point ``i + 1``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.validation import explain_validity

from lode_zoning.domain.geometry_problem import GeometryProblem, ProblemCode, make_problem

_DEFAULT_LIMIT = 20
_SIMPLE_CHECK_EDGES = 5_000
"""Up to this many edges GEOS's simplicity check answers first; it computes every crossing,
so on a longer ring drawn as a star (n² crossings) it would take seconds."""
_EDGES_PER_QUERY_MAX = 32
"""Edges queried at once: a star ring answers n pairs for each, ~3 million for 32 edges of
a ring of VERTICES_MAX (seconds, once: the first crossings found end the search)."""
_REASON_LOCATION = re.compile(r"\[([-+\d.eE]+) ([-+\d.eE]+)\]")  # "Self-intersection[x y]"
Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class RingCrossing:
    """Two edges of one ring that cross, touch or overlap (自相交)."""

    edge_a: int  # the first edge runs from point edge_a to point edge_a + 1
    edge_b: int
    location: tuple[float, float]  # a point where they meet, GIS order


def _distinct_vertices(
    coords: Sequence[Sequence[float]],
) -> tuple[list[tuple[float, float]], list[int]]:
    """The ring's vertices without consecutive repeats, closed, with their original indices
    (of the last of a run of repeats: the point the next edge starts from)."""
    points: list[tuple[float, float]] = []
    index: list[int] = []
    for i, c in enumerate(coords):
        p = (float(c[0]), float(c[1]))
        if points and p == points[-1]:
            index[-1] = i
        else:
            points.append(p)
            index.append(i)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
        index.pop()
    if points:  # close it; the closing entry only ends the last edge
        points.append(points[0])
        index.append(len(coords) - 1)
    return points, index


def polygon_of(rings: Sequence[Sequence[Sequence[float]]]) -> Polygon:
    """A polygon of an exterior and holes, its rings given to GEOS as arrays (from lists of
    positions shapely converts point by point in Python, ten times slower)."""
    arrays = [np.asarray(ring, dtype=float) for ring in rings]
    return Polygon(arrays[0], arrays[1:])


def _location(geometry: Any) -> tuple[float, float]:
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return (float(point.x), float(point.y))


def ring_crossings(
    coords: Sequence[Sequence[float]], *, limit: int = _DEFAULT_LIMIT
) -> list[RingCrossing]:
    """Every place (up to ``limit``) where a ring's edges meet other than at their shared
    vertex: crossings, touching vertices and collinear overlaps (spikes).

    ``coords`` is the ring as given, closed or not, in any planar order; consecutive
    repeated points are ignored.
    """
    points, index = _distinct_vertices(coords)
    n = len(points) - 1  # number of edges
    if n < 3:
        return []
    array = np.asarray(points, dtype=float)
    if n <= _SIMPLE_CHECK_EDGES and shapely.is_simple(shapely.linearrings(array)):
        return []  # the common case, answered by GEOS at once
    edges = shapely.linestrings(np.stack([array[:-1], array[1:]], axis=1))
    tree = shapely.STRtree(edges)
    found: list[RingCrossing] = []
    seen: set[tuple[float, float]] = set()
    # Edges are queried a chunk at a time and crossings computed one by one up to ``limit``:
    # a ring whose every edge crosses every other has n² crossings, which must not all be
    # computed to report the first few. Chunks grow while their answers stay small.
    start, chunk = 0, 8
    while start < n and len(found) < limit:
        pairs = tree.query(edges[start : start + chunk], predicate="intersects")
        a, b = pairs[0] + start, pairs[1]
        a, b = a[a < b], b[a < b]
        adjacent = (b == a + 1) | ((a == 0) & (b == n - 1))
        # neighbours always meet at their shared vertex: only another meeting is a fault
        shared = np.zeros(len(a), dtype=bool)
        shared[adjacent] = (
            shapely.get_type_id(shapely.intersection(edges[a[adjacent]], edges[b[adjacent]])) == 0
        )
        for ai, bi in zip(a[~shared].tolist(), b[~shared].tolist(), strict=True):
            location = _location(shapely.intersection(edges[ai], edges[bi]))
            if location in seen:
                continue
            seen.add(location)
            found.append(RingCrossing(index[ai], index[bi], location))
            if len(found) >= limit:
                break
        start += chunk
        if len(a) < 16 * chunk:
            chunk = min(chunk * 2, _EDGES_PER_QUERY_MAX)
    found.sort(key=lambda c: (c.edge_a, c.edge_b))
    return found


def boundary_contacts(
    ring_a: Sequence[Sequence[float]],
    ring_b: Sequence[Sequence[float]],
    *,
    limit: int = _DEFAULT_LIMIT,
) -> list[tuple[float, float]]:
    """Points where two rings' boundaries meet (crossing or touching), up to ``limit``."""
    meeting = shapely.intersection(
        shapely.linestrings([c[:2] for c in ring_a]), shapely.linestrings([c[:2] for c in ring_b])
    )
    if meeting.is_empty:
        return []
    parts = getattr(meeting, "geoms", [meeting])
    return [_location(part) for part in parts][:limit]


def _polygon_problems(part: int | None, rings: list[Ring]) -> list[GeometryProblem]:
    problems = []
    for r, ring in enumerate(rings):
        for crossing in ring_crossings(ring):
            a, b = crossing.edge_a, crossing.edge_b
            problems.append(
                make_problem(
                    ProblemCode.SELF_INTERSECTION,
                    f"ring {r} crosses itself at {crossing.location}: edge {a}→{a + 1} "
                    f"meets edge {b}→{b + 1}",
                    f"第{r}环在 {crossing.location} 处自相交：边 {a}→{a + 1} 与边 {b}→{b + 1}",
                    polygon=part,
                    ring=r,
                    point=a,
                    coordinates=crossing.location,
                    detail={"edges": [a, b]},
                )
            )
    if problems:
        return problems
    shell = polygon_of(rings[:1])
    holes = [polygon_of([h]) for h in rings[1:]]
    # only holes whose extents meet can overlap: a tree, not every pair (quadratic)
    hole_pairs: dict[int, list[int]] = {}
    if len(holes) > 1:
        left, right = shapely.STRtree(holes).query(holes, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i < j:
                hole_pairs.setdefault(i, []).append(j)
    for h, hole in enumerate(holes, start=1):
        where = {"polygon": part, "ring": h}
        if hole.within(shell):
            pass
        elif contacts := boundary_contacts(rings[0], rings[h]):
            problems.append(
                make_problem(
                    ProblemCode.RINGS_CROSS,
                    f"hole {h} crosses the exterior ring at {contacts[0]}",
                    f"内环 {h} 与外环在 {contacts[0]} 处相交",
                    coordinates=contacts[0],
                    **where,
                )
            )
        else:
            problems.append(
                make_problem(
                    ProblemCode.HOLE_OUTSIDE_SHELL,
                    f"hole {h} lies outside the exterior ring",
                    f"内环 {h} 位于外环之外",
                    coordinates=rings[h][0],
                    **where,
                )
            )
        for j in sorted(hole_pairs.get(h - 1, ())):
            k = j + 1  # the other hole's ring number
            if hole.relate_pattern(holes[k - 1], "2********"):
                spot = hole.intersection(holes[k - 1]).representative_point()
                problems.append(
                    make_problem(
                        ProblemCode.HOLES_OVERLAP,
                        f"holes {h} and {k} overlap",
                        f"内环 {h} 与内环 {k} 相互重叠",
                        coordinates=(spot.x, spot.y),
                        **where,
                    )
                )
    return problems


def topology_problems(parts: Sequence[tuple[int | None, list[Ring]]]) -> list[GeometryProblem]:
    """Topology problems of polygons given as ``(part index, rings)`` with 2D positions,
    exterior ring first: self-intersections (each crossing, with its two edges), holes
    crossing or outside their shell, overlapping holes, overlapping parts and, as a last
    resort, whatever else makes GEOS call the geometry invalid.

    The rings must be structurally sound (closed, at least 4 positions).
    """
    problems = [p for part, rings in parts for p in _polygon_problems(part, rings)]
    if problems:
        return problems
    polygons = [polygon_of(rings) for _, rings in parts]
    # a part GEOS finds invalid though its rings passed (a hole equal to its shell, a hole
    # touching the shell along an edge): overlap tests on it would mean nothing
    problems = [
        _invalid(polygon, part)
        for (part, _), polygon in zip(parts, polygons, strict=True)
        if not polygon.is_valid
    ]
    if problems:
        return problems
    tree = shapely.STRtree(polygons)
    pairs = tree.query(polygons, predicate="intersects")
    for i, j in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        if i < j and polygons[i].relate_pattern(polygons[j], "2********"):
            spot = polygons[i].intersection(polygons[j]).representative_point()
            problems.append(
                make_problem(
                    ProblemCode.PARTS_OVERLAP,
                    f"polygons {i} and {j} of the MultiPolygon overlap",
                    f"多多边形的第{i}、第{j}个多边形相互重叠",
                    polygon=i,
                    coordinates=(spot.x, spot.y),
                )
            )
    if problems:
        return problems
    geometry = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return [] if geometry.is_valid else [_invalid(geometry, None)]


def _invalid(geometry: Any, part: int | None) -> GeometryProblem:
    reason = explain_validity(geometry)
    spot = _REASON_LOCATION.search(reason)
    return make_problem(
        ProblemCode.INVALID,
        f"geometry is not valid: {reason}",
        f"几何无效：{reason}",
        polygon=part,
        coordinates=(float(spot[1]), float(spot[2])) if spot else None,
        detail={"reason": reason},
    )
