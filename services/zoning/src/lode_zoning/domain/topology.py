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
    edges = shapely.linestrings(np.stack([array[:-1], array[1:]], axis=1))
    tree = shapely.STRtree(edges)
    pairs = tree.query(edges, predicate="intersects")
    found: list[RingCrossing] = []
    seen: set[tuple[float, float]] = set()
    for a, b in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        if a >= b:
            continue
        meeting = shapely.intersection(edges[a], edges[b])
        adjacent = b == a + 1 or (a == 0 and b == n - 1)
        if adjacent and meeting.geom_type == "Point":
            continue  # the vertex they share
        location = _location(meeting)
        if location in seen:
            continue
        seen.add(location)
        found.append(RingCrossing(index[a], index[b], location))
        if len(found) >= limit:
            break
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
    shell = Polygon(rings[0])
    holes = [Polygon(h) for h in rings[1:]]
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
        for k in range(h + 1, len(rings)):
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
    polygons = [Polygon(rings[0], rings[1:]) for _, rings in parts]
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
