"""GeoJSON geometries of zones and licence areas: validation that explains itself.

`validate_geojson_geometry` returns every problem it finds, each with a machine code, an
English and a Chinese message and where it is (polygon, ring, point, coordinates), in four
stages; a stage runs only when the previous ones found nothing, because its answer would
be meaningless otherwise:

1. structure: a Polygon or MultiPolygon of at most ``VERTICES_MAX`` positions (all rings
   together; counted before anything else is read, so an oversized geometry costs nothing);
   positions of 2 or 3 finite numbers; closed rings (RFC 7946 requires the last position to
   repeat the first) of at least 4 positions;
2. coordinates: lon/lat degrees in China (not projected metres, not [lat, lon]);
3. topology: no self-intersection (every crossing, with the two edges), holes inside their
   shell and not overlapping, parts of a MultiPolygon not overlapping;
4. region: inside the plan's region, saying how many hectares lie outside.

Winding order is not checked (RFC 7946 asks for counter-clockwise exteriors, but many
tools write the opposite); `shape_to_geojson` writes counter-clockwise exteriors and
clockwise holes. A third coordinate (altitude) is accepted and dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, SupportsFloat

import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.polygon import orient

from lode_common.limits import VERTICES_MAX
from lode_zoning.domain.area import area_ha
from lode_zoning.domain.crs import check_lonlat
from lode_zoning.domain.errors import GeometryInvalid
from lode_zoning.domain.geometry_problem import GeometryProblem, ProblemCode, make_problem
from lode_zoning.domain.topology import polygon_of, topology_problems

__all__ = [
    "DEFAULT_OUTSIDE_TOLERANCE_HA",
    "GEOJSON_DECIMALS",
    "GeometryProblem",
    "ProblemCode",
    "Region",
    "geojson_to_shape",
    "normalise",
    "shape_to_geojson",
    "too_many_vertices",
    "validate_geojson_geometry",
    "vertex_count",
]

GEOJSON_DECIMALS = 8  # ~1 mm in EPSG:4490
DEFAULT_OUTSIDE_TOLERANCE_HA = Decimal("0.0001")  # 1 m²: the precision areas are given in


@dataclass(frozen=True)
class Region:
    """The plan's region (规划区域) in EPSG:4490, for "outside the region" checks.

    Until the administrative boundary (行政区界) is loaded, the plan's
    ``region.approx_extent_lonlat`` stands in for it: ``Region.from_bbox(..., approximate=True)``.
    """

    geometry: Any
    name_zh: str = ""
    approximate: bool = False

    def __post_init__(self) -> None:
        shapely.prepare(self.geometry)

    @classmethod
    def from_bbox(
        cls, bbox: Sequence[SupportsFloat], *, name_zh: str = "", approximate: bool = True
    ) -> Region:
        """A region from ``[min_lon, min_lat, max_lon, max_lat]``."""
        west, south, east, north = (float(v) for v in bbox)
        return cls(box(west, south, east, north), name_zh=name_zh, approximate=approximate)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_finite(value: int | float | Decimal) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer beyond any float
        return False


def _check_position(value: object, where: dict[str, Any]) -> GeometryProblem | None:
    if not isinstance(value, list | tuple):
        return make_problem(
            ProblemCode.MALFORMED,
            f"a position must be a list of numbers [lon, lat], got {value!r}",
            f"坐标点应为数字列表 [经度, 纬度]，实际为 {value!r}",
            **where,
        )
    if len(value) < 2:
        return make_problem(
            ProblemCode.TOO_FEW_DIMENSIONS,
            f"a position needs lon and lat, got {list(value)!r}",
            f"坐标点需要经度和纬度，实际为 {list(value)!r}",
            **where,
        )
    if len(value) > 3:
        return make_problem(
            ProblemCode.TOO_MANY_DIMENSIONS,
            f"a position has at most 3 numbers (lon, lat, altitude), got {len(value)}",
            f"坐标点最多 3 个数（经度、纬度、高程），实际为 {len(value)} 个",
            **where,
        )
    for v in value:
        if not _is_number(v):
            return make_problem(
                ProblemCode.NOT_A_NUMBER,
                f"coordinate {v!r} is not a number",
                f"坐标值 {v!r} 不是数字",
                **where,
            )
        if not _is_finite(v):
            return make_problem(
                ProblemCode.NOT_FINITE,
                f"coordinate {v!r} is not a finite number",
                f"坐标值 {v!r} 不是有限数",
                **where,
            )
    return None


def _check_ring(ring: object, where: dict[str, Any]) -> list[GeometryProblem]:
    if not isinstance(ring, list | tuple):
        return [
            make_problem(
                ProblemCode.MALFORMED,
                "a ring must be a list of positions",
                "环应为坐标点列表",
                **where,
            )
        ]
    problems = [
        p for i, pos in enumerate(ring) if (p := _check_position(pos, where | {"point": i}))
    ]
    if problems:
        return problems
    positions = [tuple(float(v) for v in pos) for pos in ring]
    if len(positions) < 4:
        problems.append(
            make_problem(
                ProblemCode.TOO_FEW_POSITIONS,
                f"a ring needs at least 4 positions (the last repeating the first), "
                f"got {len(positions)}",
                f"环至少需要 4 个坐标点（首尾相同），实际为 {len(positions)} 个",
                **where,
            )
        )
    if positions and positions[0] != positions[-1]:
        problems.append(
            make_problem(
                ProblemCode.UNCLOSED_RING,
                f"ring is not closed: first position {positions[0]} differs from last "
                f"{positions[-1]}; repeat the first position at the end",
                f"环未闭合：首点 {positions[0]} 与末点 {positions[-1]} 不同，请在末尾重复首点",
                coordinates=positions[-1],
                **where | {"point": len(positions) - 1},
            )
        )
    elif len(positions) >= 4 and len({p[:2] for p in positions}) < 3:
        problems.append(
            make_problem(
                ProblemCode.DEGENERATE_RING,
                "a ring needs at least 3 distinct positions",
                "环至少需要 3 个不同的坐标点",
                **where,
            )
        )
    return problems


def _polygons_of(obj: Mapping[str, Any]) -> list[tuple[int | None, Any]]:
    kind, coords = obj.get("type"), obj.get("coordinates")
    if kind == "Polygon":
        return [(None, coords)]
    if isinstance(coords, list | tuple):
        return list(enumerate(coords))
    return [(None, coords)]


def vertex_count(obj: object) -> int:
    """The positions of a GeoJSON Polygon or MultiPolygon, all rings together, counted
    without reading them (0 for anything else): cheap enough to run before any other check."""
    if not isinstance(obj, Mapping) or obj.get("type") not in ("Polygon", "MultiPolygon"):
        return 0
    coords = obj.get("coordinates")
    if not isinstance(coords, list | tuple):
        return 0
    polygons = [coords] if obj["type"] == "Polygon" else coords
    return sum(
        len(ring)
        for rings in polygons
        if isinstance(rings, list | tuple)
        for ring in rings
        if isinstance(ring, list | tuple)
    )


def too_many_vertices(count: int) -> GeometryProblem | None:
    """The problem of a geometry with more than ``VERTICES_MAX`` vertices, if it has more."""
    if count <= VERTICES_MAX:
        return None
    return make_problem(
        ProblemCode.TOO_MANY_VERTICES,
        f"the geometry has {count} vertices (all rings together); at most {VERTICES_MAX} are "
        "accepted: simplify it (a 1 m tolerance keeps any boundary) or split it into parts",
        f"几何共有 {count} 个顶点（所有环合计），最多接受 {VERTICES_MAX} 个："
        "请简化（按 1 米容差即可）或拆分为多个部分",
        detail={"vertices": count, "max": VERTICES_MAX},
    )


def _check_structure(obj: object) -> list[GeometryProblem]:
    if not isinstance(obj, Mapping):
        return [
            make_problem(
                ProblemCode.NOT_AN_OBJECT,
                "geometry must be a GeoJSON object",
                "几何应为 GeoJSON 对象",
            )
        ]
    kind = obj.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        hint = "; send the Feature's geometry" if kind in ("Feature", "FeatureCollection") else ""
        return [
            make_problem(
                ProblemCode.NOT_POLYGONAL,
                f"geometry type must be Polygon or MultiPolygon, got {kind!r}{hint}",
                f"几何类型应为 Polygon 或 MultiPolygon，实际为 {kind!r}",
            )
        ]
    coords = obj.get("coordinates")
    if not isinstance(coords, list | tuple):
        return [
            make_problem(
                ProblemCode.MALFORMED,
                "coordinates must be a list",
                "coordinates 应为列表",
            )
        ]
    if not coords:
        return [make_problem(ProblemCode.EMPTY, "geometry has no coordinates", "几何为空")]
    if oversized := too_many_vertices(vertex_count(obj)):
        return [oversized]
    problems: list[GeometryProblem] = []
    for part, rings in _polygons_of(obj):
        where: dict[str, Any] = {"polygon": part}
        if not isinstance(rings, list | tuple) or not rings:
            problems.append(
                make_problem(
                    ProblemCode.MALFORMED if rings else ProblemCode.EMPTY,
                    "a polygon must be a non-empty list of rings",
                    "多边形应为非空的环列表",
                    **where,
                )
            )
            continue
        for r, ring in enumerate(rings):
            problems += _check_ring(ring, where | {"ring": r})
    return problems


def _rings(obj: Mapping[str, Any]) -> list[tuple[int | None, list[list[tuple[float, float]]]]]:
    """(part, rings) with 2D float positions, for a structurally valid geometry."""
    return [
        (part, [[(float(p[0]), float(p[1])) for p in ring] for ring in rings])
        for part, rings in _polygons_of(obj)
    ]


def _check_coordinates(obj: Mapping[str, Any]) -> list[GeometryProblem]:
    problems = []
    for part, rings in _rings(obj):
        for r, ring in enumerate(rings):
            issues = [
                (i, pos, issue) for i, pos in enumerate(ring) if (issue := check_lonlat(*pos))
            ]
            if issues:
                i, pos, issue = issues[0]
                extra_en = f" ({len(issues)} of {len(ring)} positions in this ring)"
                extra_zh = f"（本环 {len(ring)} 个坐标点中有 {len(issues)} 个）"
                problems.append(
                    make_problem(
                        ProblemCode.WRONG_CRS,
                        issue.message_en + extra_en,
                        issue.message_zh + extra_zh,
                        polygon=part,
                        ring=r,
                        point=i,
                        coordinates=pos,
                        detail={"reason": issue.code.value},
                    )
                )
    return problems


def _check_region(geometry: Any, region: Region, tolerance_ha: Decimal) -> list[GeometryProblem]:
    if region.geometry.covers(geometry):
        return []
    outside = geometry.difference(region.geometry)
    if outside.is_empty:
        return []
    outside_ha = area_ha(outside)
    name = region.name_zh or "the plan's region"
    approx = " (approximate extent)" if region.approximate else ""
    approx_zh = "（近似范围）" if region.approximate else ""
    spot = outside.representative_point()
    where = {"coordinates": (spot.x, spot.y), "detail": {"outside_ha": str(outside_ha)}}
    if not geometry.intersects(region.geometry):
        return [
            make_problem(
                ProblemCode.OUTSIDE_REGION,
                f"geometry lies entirely outside {name}{approx}",
                f"几何完全位于{region.name_zh or '规划区域'}{approx_zh}之外",
                **where,
            )
        ]
    if outside_ha <= tolerance_ha:
        return []
    return [
        make_problem(
            ProblemCode.PARTLY_OUTSIDE_REGION,
            f"{outside_ha} ha of the geometry lie outside {name}{approx}",
            f"几何有 {outside_ha} 公顷位于{region.name_zh or '规划区域'}{approx_zh}之外",
            **where,
        )
    ]


def validate_geojson_geometry(
    obj: object,
    *,
    region: Region | None = None,
    outside_tolerance_ha: Decimal = DEFAULT_OUTSIDE_TOLERANCE_HA,
) -> list[GeometryProblem]:
    """Every problem of a GeoJSON geometry in EPSG:4490; an empty list means valid.

    With a ``region``, a geometry entirely outside it, or with more than
    ``outside_tolerance_ha`` outside it, is a problem too.
    """
    problems = _check_structure(obj)
    if problems or not isinstance(obj, Mapping):
        return problems
    problems = _check_coordinates(obj) or topology_problems(_rings(obj))
    if problems or region is None:
        return problems
    return _check_region(_build(obj), region, outside_tolerance_ha)


def _build(obj: Mapping[str, Any]) -> Polygon | MultiPolygon:
    polygons = [polygon_of(rings) for _, rings in _rings(obj)]
    if obj["type"] == "Polygon":
        return polygons[0]
    return MultiPolygon(polygons)


def normalise(geometry: Polygon | MultiPolygon) -> Polygon | MultiPolygon:
    """Counter-clockwise exteriors and clockwise holes (RFC 7946 winding)."""
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(p, sign=1.0) for p in geometry.geoms])
    return orient(geometry, sign=1.0)


def geojson_to_shape(
    obj: object,
    *,
    region: Region | None = None,
    outside_tolerance_ha: Decimal = DEFAULT_OUTSIDE_TOLERANCE_HA,
) -> Polygon | MultiPolygon:
    """A validated, normalised 2D shapely geometry from a GeoJSON geometry in EPSG:4490.

    Raises `GeometryInvalid` with every problem `validate_geojson_geometry` finds.
    """
    problems = validate_geojson_geometry(
        obj, region=region, outside_tolerance_ha=outside_tolerance_ha
    )
    if problems:
        raise GeometryInvalid(problems)
    assert isinstance(obj, Mapping)
    return normalise(_build(obj))


def shape_to_geojson(
    geometry: Polygon | MultiPolygon, *, decimals: int = GEOJSON_DECIMALS
) -> dict[str, Any]:
    """A GeoJSON geometry dict, winding normalised, coordinates rounded (8 decimals ≈ 1 mm)."""
    normal = normalise(geometry)

    def ring(coords: Any) -> list[list[float]]:
        return [[round(float(x), decimals), round(float(y), decimals)] for x, y, *_ in coords]

    def polygon(p: Polygon) -> list[list[list[float]]]:
        return [ring(p.exterior.coords)] + [ring(h.coords) for h in p.interiors]

    if isinstance(normal, MultiPolygon):
        return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in normal.geoms]}
    return {"type": "Polygon", "coordinates": polygon(normal)}
