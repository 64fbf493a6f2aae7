"""Corner-coordinate lists (拐点坐标): licence areas and blocks as numbered corners.

The bureau writes an area as numbered corners in a Gauss-Kruger CRS, in Chinese surveying
order: point number, X (northing, 纵坐标), Y (easting with the zone prefix, 横坐标). A list
holds one or more rings; rings are sorted into parcels by containment (a ring inside an
even number of other rings is a parcel's exterior, inside an odd number a hole of the
smallest one around it). `CornerList` keeps the rings as listed, in the declared
projected CRS, and the polygon in EPSG:4490.

This module holds the value objects, the assembly of rings into parcels and the API's
JSON form ``{"corners": [[X, Y], ...], "crs": "EPSG:4528"}`` (`parse_corners_json`), whose
problems name the JSON field. The bureau's text layout is read and written by
`corner_text`, whose problems name the line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon

from lode_common.limits import VERTICES_MAX
from lode_zoning.domain.area import area_ha
from lode_zoning.domain.crs import CGCS2000, KnownCrs, check_survey_point, parse_crs, reproject
from lode_zoning.domain.errors import CornerListInvalid, UnknownCrs
from lode_zoning.domain.geometry import normalise
from lode_zoning.domain.topology import polygon_of, ring_crossings, topology_problems


class CornerProblemCode(StrEnum):
    """What is wrong with a corner list, as a machine-readable code."""

    NOT_A_LIST = "not_a_list"
    MISSING_CRS = "missing_crs"
    UNKNOWN_CRS = "unknown_crs"
    WRONG_FIELD_COUNT = "wrong_field_count"
    BAD_POINT_NUMBER = "bad_point_number"
    X_NOT_A_NUMBER = "x_not_a_number"
    Y_NOT_A_NUMBER = "y_not_a_number"
    WRONG_CRS = "wrong_crs"
    NOT_CONSECUTIVE = "not_consecutive"
    DUPLICATE_NUMBER = "duplicate_number"
    DUPLICATE_POINT = "duplicate_point"
    TOO_FEW_POINTS = "too_few_points"
    TOO_MANY_POINTS = "too_many_points"
    NO_POINTS = "no_points"
    BAD_METADATA = "bad_metadata"
    DUPLICATE_METADATA = "duplicate_metadata"
    SELF_INTERSECTION = "self_intersection"
    RINGS_OVERLAP = "rings_overlap"
    INVALID = "invalid"


@dataclass(frozen=True)
class CornerProblem:
    """One problem of a corner list: its line (1-based) and text, or its JSON field."""

    code: CornerProblemCode
    message_en: str
    message_zh: str
    line: int | None = None
    text: str | None = None
    field: str | None = None  # JSON path, e.g. ``corners[3][1]``
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def as_field_error(self, prefix: str = "corners") -> dict[str, str]:
        """``{field, message}`` for a problem-details body, the line quoted in the message."""
        where = f"line {self.line} «{self.text}»: " if self.line is not None else ""
        name = self.field if self.field is not None else prefix
        return {"field": name, "message": f"{where}{self.message_en} ({self.message_zh})"}


@dataclass(frozen=True)
class CornerPoint:
    """One corner: its label as written, its number, X (northing) and Y (easting)."""

    label: str
    number: int
    x: float
    y: float
    line: int | None = None  # 1-based line in the text; None from JSON
    field: str | None = None  # JSON path from the API form

    @property
    def gis_xy(self) -> tuple[float, float]:
        return (self.y, self.x)


@dataclass(frozen=True)
class DepthRange:
    """Mining depth (开采深度): elevations in metres as written, ``start_m`` to ``end_m``."""

    start_m: Decimal
    end_m: Decimal

    @property
    def top_m(self) -> Decimal:
        return max(self.start_m, self.end_m)

    @property
    def bottom_m(self) -> Decimal:
        return min(self.start_m, self.end_m)


@dataclass(frozen=True)
class CornerRing:
    """A ring as listed (without its closing point), with the metadata written beside it."""

    points: tuple[CornerPoint, ...]
    declared_area_ha: Decimal | None = None
    depth: DepthRange | None = None

    def gis_coordinates(self) -> list[tuple[float, float]]:
        """Closed ring in GIS order (easting, northing), for shapely."""
        coords = [p.gis_xy for p in self.points]
        return [*coords, coords[0]]


@dataclass(frozen=True)
class Parcel:
    """A polygon of the list: the index of its exterior ring and of its holes."""

    exterior: int
    holes: tuple[int, ...] = ()


@dataclass(frozen=True)
class CornerList:
    """A read corner list: rings in the declared projected CRS and the polygon in EPSG:4490."""

    crs: KnownCrs
    rings: tuple[CornerRing, ...]
    parcels: tuple[Parcel, ...]
    geometry: Polygon | MultiPolygon  # in ``crs``, GIS order, rings as listed
    geometry_lonlat: Polygon | MultiPolygon  # EPSG:4490, counter-clockwise exteriors
    skipped_lines: tuple[tuple[int, str], ...] = ()

    @property
    def area_ha(self) -> Decimal:
        """Plane area in the declared CRS, as the bureau computes a declared area."""
        return area_ha(self.geometry, self.crs)

    @property
    def declared_area_ha(self) -> Decimal | None:
        """Sum of the ``面积`` lines, or None when the list declares no area."""
        declared = [r.declared_area_ha for r in self.rings if r.declared_area_ha is not None]
        return sum(declared, Decimal(0)) if declared else None

    def to_text(self, *, decimals: int = 2) -> str:
        """The list in the bureau layout, rings and metadata as read."""
        from lode_zoning.domain.corner_text import format_rings

        return format_rings(self.rings, decimals=decimals)


def _problem(code: CornerProblemCode, en: str, zh: str, **where: Any) -> CornerProblem:
    return CornerProblem(code, en, zh, **where)


# --- assembling rings into parcels (shared by the text and the JSON form) -----------------


def _point_where(ring: CornerRing, index: int) -> dict[str, Any]:
    point = ring.points[index % len(ring.points)]
    return {"line": point.line, "field": point.field}


def _crossing_problems(ring: CornerRing) -> list[CornerProblem]:
    n = len(ring.points)

    def edge(e: int) -> str:
        return f"{ring.points[e % n].label}→{ring.points[(e + 1) % n].label}"

    problems = []
    for crossing in ring_crossings(ring.gis_coordinates()):
        a, b = crossing.edge_a, crossing.edge_b
        easting, northing = crossing.location
        at = f"X={northing:.2f}, Y={easting:.2f}"
        problems.append(
            _problem(
                CornerProblemCode.SELF_INTERSECTION,
                f"the boundary crosses itself at {at}: edge {edge(a)} meets edge {edge(b)}",
                f"拐点连线在 {at} 处自相交：{edge(a)} 边与 {edge(b)} 边相交",
                **_point_where(ring, b),
            )
        )
    return problems


RING_CONTACTS_MAX = 10_000
"""Pairs of rings of one area whose boundaries or insides meet (a parcel and its holes, or
touching parcels: a handful). Past it the list is refused before any pair is compared."""


def _meeting_pairs(shapes: Sequence[Polygon]) -> list[tuple[int, int]] | None:
    """Ordered pairs (both ways) of distinct rings that intersect, or None past
    ``RING_CONTACTS_MAX`` (counted chunk by chunk, so a list of identical rings stops early)."""
    if len(shapes) < 2:
        return []
    tree = shapely.STRtree(shapes)
    found: list[tuple[int, int]] = []
    for start in range(0, len(shapes), 256):
        left, right = tree.query(shapes[start : start + 256], predicate="intersects")
        found += [
            (i + start, j)
            for i, j in zip(left.tolist(), right.tolist(), strict=True)
            if i + start != j
        ]
        if len(found) > 2 * RING_CONTACTS_MAX:
            return None
    return found


def _assemble(
    rings: list[CornerRing], problems: list[CornerProblem]
) -> tuple[tuple[Parcel, ...], Polygon | MultiPolygon] | None:
    """Parcels (exterior and holes by containment) and their geometry, or None with
    ``problems`` filled in."""
    problems += [p for ring in rings for p in _crossing_problems(ring)]
    if problems:
        return None
    shapes = [polygon_of([r.gis_coordinates()]) for r in rings]
    pairs = _meeting_pairs(shapes)
    if pairs is None:
        problems.append(
            _problem(
                CornerProblemCode.RINGS_OVERLAP,
                f"the rings meet one another more than {RING_CONTACTS_MAX} times; an area is a "
                "few parcels, each with its holes: send each parcel's corners once",
                f"各环之间相交或相接超过 {RING_CONTACTS_MAX} 次；一个范围由若干地块及其内环组成，"
                "每个地块的拐点只需列出一次",
                **_point_where(rings[0], 0),
            )
        )
        return None
    # only rings whose extents meet can repeat, contain or overlap one another: a tree
    # gives those pairs, where comparing every ring with every other was quadratic
    same = {(i, j) for i, j in pairs if shapes[i].equals(shapes[j])}
    contains = {(i, j) for i, j in pairs if (i, j) not in same and shapes[i].contains(shapes[j])}
    for i, j in sorted((i, j) for i, j in pairs if i < j):
        if (i, j) in same:
            en, zh = f"ring {j + 1} repeats ring {i + 1}", f"第{j + 1}环与第{i + 1}环相同"
        elif (
            (i, j) in contains
            or (j, i) in contains
            or not shapes[i].relate_pattern(shapes[j], "2********")
        ):
            continue
        else:
            en = f"ring {i + 1} and ring {j + 1} overlap without one containing the other"
            zh = f"第{i + 1}环与第{j + 1}环部分重叠"
        problems.append(
            _problem(CornerProblemCode.RINGS_OVERLAP, en, zh, **_point_where(rings[j], 0))
        )
    if problems:
        return None
    around_of: dict[int, list[int]] = {}
    for outer, inner in contains:
        around_of.setdefault(inner, []).append(outer)
    depth = [len(around_of.get(i, ())) for i in range(len(rings))]
    exteriors = [i for i, d in enumerate(depth) if d % 2 == 0]
    holes: dict[int, list[int]] = {i: [] for i in exteriors}
    for i, d in enumerate(depth):
        if d % 2 == 1:
            around = [e for e in around_of.get(i, ()) if depth[e] == d - 1]
            holes[min(around, key=lambda e: shapes[e].area)].append(i)
    parcels = tuple(Parcel(e, tuple(holes[e])) for e in exteriors)
    parts = [
        (k, [rings[i].gis_coordinates() for i in (p.exterior, *p.holes)])
        for k, p in enumerate(parcels)
    ]
    for p in topology_problems(parts):
        problems.append(
            _problem(
                CornerProblemCode.INVALID,
                p.message_en,
                p.message_zh,
                **_point_where(rings[parcels[p.polygon or 0].exterior], 0),
            )
        )
    if problems:
        return None
    polygons = [polygon_of(coords) for _, coords in parts]
    return parcels, polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def check_ring(ring: CornerRing) -> list[CornerProblem]:
    """The problem of a ring with fewer than 3 distinct corners, if it has one."""
    if len({(p.x, p.y) for p in ring.points}) >= 3:
        return []
    return [
        _problem(
            CornerProblemCode.TOO_FEW_POINTS,
            f"a ring needs at least 3 distinct corners, this one has {len(ring.points)}",
            f"每个范围至少需要 3 个不同的拐点，此处只有 {len(ring.points)} 个",
            **(_point_where(ring, 0) if ring.points else {}),
        )
    ]


def check_point_crs(
    point: CornerPoint, crs: KnownCrs, text: str | None = None
) -> list[CornerProblem]:
    """The wrong-CRS problem of a corner (zone prefix, swapped axes, degrees), if any."""
    issue = check_survey_point(point.x, point.y, crs)
    if issue is None:
        return []
    return [
        _problem(
            CornerProblemCode.WRONG_CRS,
            issue.message_en,
            issue.message_zh,
            line=point.line,
            text=text,
            field=point.field,
            detail={"reason": issue.code.value}
            | ({"suggested_crs": issue.suggestion.code} if issue.suggestion else {}),
        )
    ]


def build_corner_list(
    rings: Sequence[CornerRing],
    crs: KnownCrs,
    problems: Sequence[CornerProblem] = (),
    skipped_lines: Sequence[tuple[int, str]] = (),
) -> CornerList:
    """The corner list of rings read by a parser; raises `CornerListInvalid` with the
    parser's ``problems`` and those found while assembling the parcels."""
    found = list(problems)
    if not rings and not found:
        found.append(
            _problem(CornerProblemCode.NO_POINTS, "the list has no corner points", "未找到拐点坐标")
        )
    assembled = _assemble(list(rings), found) if not found else None
    if assembled is None:
        raise CornerListInvalid(found)
    parcels, geometry = assembled
    return CornerList(
        crs=crs,
        rings=tuple(rings),
        parcels=parcels,
        geometry=geometry,
        geometry_lonlat=normalise(reproject(geometry, crs, CGCS2000)),
        skipped_lines=tuple(skipped_lines),
    )


# --- the API's JSON form -------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _json_ring(
    raw: Sequence[Any], path: str, crs: KnownCrs | None, problems: list[CornerProblem]
) -> CornerRing:
    points: list[CornerPoint] = []
    seen: set[tuple[float, float]] = set()  # a set: a scan per corner was quadratic
    for i, pair in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            problems.append(
                _problem(
                    CornerProblemCode.WRONG_FIELD_COUNT,
                    f"a corner is [X, Y] (X northing, Y easting), got {pair!r}",
                    f"拐点应为 [X, Y]（X 纵坐标，Y 横坐标），实际为 {pair!r}",
                    field=where,
                )
            )
            continue
        bad = False
        for axis, value, code in (
            ("X", pair[0], CornerProblemCode.X_NOT_A_NUMBER),
            ("Y", pair[1], CornerProblemCode.Y_NOT_A_NUMBER),
        ):
            if not _is_number(value):
                bad = True
                problems.append(
                    _problem(
                        code,
                        f"{axis} {value!r} is not a number",
                        f"{axis} 值 {value!r} 不是数字",
                        field=f"{where}[{0 if axis == 'X' else 1}]",
                    )
                )
        if bad:
            continue
        point = CornerPoint(str(i + 1), i + 1, float(pair[0]), float(pair[1]), field=where)
        if points and i == len(raw) - 1 and (point.x, point.y) == (points[0].x, points[0].y):
            break  # the closing point
        if crs is not None:
            problems += check_point_crs(point, crs)
        if (point.x, point.y) in seen:
            problems.append(
                _problem(
                    CornerProblemCode.DUPLICATE_POINT,
                    f"corner {i + 1} repeats an earlier corner ({point.x}, {point.y})",
                    f"第{i + 1}个拐点与前面的拐点重复",
                    field=where,
                )
            )
            continue
        points.append(point)
        seen.add((point.x, point.y))
    ring = CornerRing(tuple(points))
    if not any(p.field == path or (p.field or "").startswith(path + "[") for p in problems):
        problems += [
            CornerProblem(p.code, p.message_en, p.message_zh, field=path) for p in check_ring(ring)
        ]
    return ring


def too_many_corners(
    count: int, *, unit: tuple[str, str] = ("corners", "个拐点")
) -> CornerProblem | None:
    """The problem of a corner list longer than ``VERTICES_MAX`` (``count`` of ``unit``)."""
    if count <= VERTICES_MAX:
        return None
    return _problem(
        CornerProblemCode.TOO_MANY_POINTS,
        f"the corner list has {count} {unit[0]}; at most {VERTICES_MAX} corners are accepted "
        "in one area: simplify the boundary or split it into several areas",
        f"拐点坐标共 {count} {unit[1]}，一个范围最多接受 {VERTICES_MAX} 个拐点：请简化边界或拆分",
        field="corners",
        detail={"count": count, "max": VERTICES_MAX},
    )


def corner_count(corners: object) -> int:
    """Corners in the JSON form (a list of [X, Y] or of rings), counted without reading them."""
    if not isinstance(corners, list | tuple):
        return 0
    return sum(
        len(item)
        if isinstance(item, list | tuple) and item and isinstance(item[0], list | tuple)
        else 1
        for item in corners
    )


def geographic_crs_problem(crs: KnownCrs) -> CornerProblem | None:
    """Why corners cannot be in ``crs``, if it is geographic: corners are X/Y metres."""
    if not crs.is_geographic and crs.zone is not None:
        return None
    return _problem(
        CornerProblemCode.WRONG_CRS,
        f"corners are X (northing) and Y (easting) in metres, so their crs is a projected "
        f"one (e.g. EPSG:4528), not {crs.code}; send lon/lat as 'geometry' instead",
        f"拐点坐标为平面坐标（米），坐标系应为投影坐标系（如 EPSG:4528），不能是 {crs.code}；"
        "经纬度请以 geometry 提交",
        field="crs",
    )


def parse_corners_json(payload: object, *, default_crs: KnownCrs | None = None) -> CornerList:
    """Read the API's ``{"corners": [[X, Y], ...], "crs": "EPSG:4528"}``.

    ``corners`` may also be a list of rings (``[[[X, Y], ...], ...]``) or the bureau text
    itself (read by `corner_text.parse_corner_text`). Without ``crs``, ``default_crs``
    applies. Raises `CornerListInvalid` naming the JSON field of each problem.
    """
    problems: list[CornerProblem] = []
    if not isinstance(payload, Mapping):
        raise CornerListInvalid(
            [
                _problem(
                    CornerProblemCode.NOT_A_LIST,
                    "expected an object with corners and crs",
                    "应为包含 corners 与 crs 的对象",
                    field="",
                )
            ]
        )
    crs = default_crs
    if payload.get("crs") is not None:
        try:
            crs = parse_crs(payload["crs"])
        except UnknownCrs as error:
            problems.append(
                _problem(CornerProblemCode.UNKNOWN_CRS, error.detail, "不支持的坐标系", field="crs")
            )
    elif crs is None:
        problems.append(
            _problem(
                CornerProblemCode.MISSING_CRS,
                "crs is required, e.g. EPSG:4528",
                "缺少坐标系（crs），例如 EPSG:4528",
                field="crs",
            )
        )
    if crs is not None and (geographic := geographic_crs_problem(crs)):
        problems.append(geographic)
        raise CornerListInvalid(problems)
    corners = payload.get("corners")
    if isinstance(corners, str) and crs is not None and not problems:
        from lode_zoning.domain.corner_text import parse_corner_text

        return parse_corner_text(corners, crs)
    if not isinstance(corners, list | tuple) or not corners:
        problems.append(
            _problem(
                CornerProblemCode.NOT_A_LIST,
                "corners must be a non-empty list of [X, Y]",
                "corners 应为非空的 [X, Y] 列表",
                field="corners",
            )
        )
        raise CornerListInvalid(problems)
    if oversized := too_many_corners(corner_count(corners)):
        raise CornerListInvalid([oversized])
    nested = all(
        isinstance(r, list | tuple) and r and isinstance(r[0], list | tuple) for r in corners
    )
    raw_rings = list(enumerate(corners)) if nested else [(None, corners)]
    rings = [
        _json_ring(raw, "corners" if k is None else f"corners[{k}]", crs, problems)
        for k, raw in raw_rings
    ]
    if crs is None:
        raise CornerListInvalid(problems)
    return build_corner_list(rings, crs, problems)
