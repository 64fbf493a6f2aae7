"""Coordinate reference systems (坐标系) accepted by the zoning service.

Accepted: EPSG:4490 (CGCS2000 geographic, lon/lat, what GeoJSON carries), the CGCS2000
3-degree Gauss-Kruger zones 39 and 40 with the zone number prefixed to the easting
(EPSG:4527, EPSG:4528) and the same two projections without the prefix (EPSG:4548 central
meridian 117°E, EPSG:4549 central meridian 120°E). Pingquan (118°21′E–119°15′E) lies
mostly in zone 40; the sliver west of 118.5°E is zone 39.

Axis order, the one thing to get right:

- Shapely geometries are always in GIS order: ``(x, y) = (lon, lat)`` in EPSG:4490 and
  ``(easting, northing)`` in a projected CRS; every pyproj transformer here is built with
  ``always_xy=True``.
- Chinese surveying order (测量坐标), used by corner lists (拐点坐标) and the API's
  ``corners``: **X is the northing** (纵坐标) and **Y the easting** (横坐标), with the zone
  number prefixed: ``[4541387.43, 40390622.93]`` is X = 4 541 387.43 m north, Y = zone 40,
  390 622.93 m east (the false easting is 500 000 m, so 109 377 m west of 120°E).
  `SurveyPoint` holds that order and `SurveyPoint.gis_xy` turns it around.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from lode_common.plan.types import CHINA_LONLAT_BOUNDS
from lode_zoning.domain.errors import UnknownCrs, UnsupportedZone

ZONE_WIDTH_DEG = 3
FALSE_EASTING_M = 500_000.0
# Plausible northing (X) for China, metres: equator to beyond 54°N.
_MAX_NORTHING_M = 6_200_000.0
# A 3-degree zone is at most ~170 km wide either side of its meridian in China; beyond
# 300 km from the central meridian an easting belongs to another zone.
_MAX_OFFSET_FROM_MERIDIAN_M = 300_000.0
_CHINA_ZONES = range(25, 46)  # 3-degree zones covering China: 75°E .. 135°E


@dataclass(frozen=True)
class KnownCrs:
    """A coordinate reference system the system accepts, with what matters about it."""

    epsg: int
    name: str
    name_zh: str
    central_meridian: float | None = None  # None for geographic
    zone: int | None = None  # 3-degree Gauss-Kruger zone number (3度带带号)
    zone_prefixed: bool = False  # easting carries the zone number (Y = 40 390 622.93)

    @property
    def code(self) -> str:
        """``EPSG:nnnn``, the form the API shows."""
        return f"EPSG:{self.epsg}"

    @property
    def is_geographic(self) -> bool:
        return self.central_meridian is None

    @property
    def false_easting(self) -> float:
        """Easting of the central meridian, including the zone prefix when there is one."""
        if self.zone is None:
            raise ValueError(f"{self.code} is geographic: it has no easting")
        prefix = self.zone * 1_000_000 if self.zone_prefixed else 0
        return prefix + FALSE_EASTING_M

    def describe(self) -> str:
        return f"{self.code} ({self.name})"


CGCS2000 = KnownCrs(4490, "China Geodetic Coordinate System 2000", "2000国家大地坐标系")
GK_ZONE_39 = KnownCrs(
    4527, "CGCS2000 / 3-degree Gauss-Kruger zone 39", "CGCS2000 3度带 第39带", 117.0, 39, True
)
GK_ZONE_40 = KnownCrs(
    4528, "CGCS2000 / 3-degree Gauss-Kruger zone 40", "CGCS2000 3度带 第40带", 120.0, 40, True
)
GK_CM_117E = KnownCrs(
    4548,
    "CGCS2000 / 3-degree Gauss-Kruger CM 117E",
    "CGCS2000 3度带 中央经线117°（不带带号）",
    117.0,
    39,
    False,
)
GK_CM_120E = KnownCrs(
    4549,
    "CGCS2000 / 3-degree Gauss-Kruger CM 120E",
    "CGCS2000 3度带 中央经线120°（不带带号）",
    120.0,
    40,
    False,
)
ACCEPTED_CRS: tuple[KnownCrs, ...] = (CGCS2000, GK_ZONE_39, GK_ZONE_40, GK_CM_117E, GK_CM_120E)
_BY_EPSG = {c.epsg: c for c in ACCEPTED_CRS}
_BY_NAME = {re.sub(r"\s+", " ", c.name).casefold(): c for c in ACCEPTED_CRS} | {
    "cgcs2000": CGCS2000,
    "cgcs 2000": CGCS2000,
    "2000国家大地坐标系": CGCS2000,
}
_EPSG_FORMS = (
    re.compile(r"^(?:epsg)?\s*:{0,2}\s*(\d{4,5})$", re.IGNORECASE),
    re.compile(r"^urn:ogc:def:crs:epsg:[\d.]*:(\d{4,5})$", re.IGNORECASE),
    re.compile(r"^https?://www\.opengis\.net/def/crs/epsg/[\d.]+/(\d{4,5})$", re.IGNORECASE),
)


def accepted_crs_names() -> list[str]:
    """``EPSG:nnnn (name)`` for every accepted CRS, as error messages list them."""
    return [c.describe() for c in ACCEPTED_CRS]


def crs_by_epsg(code: int) -> KnownCrs:
    """The accepted CRS with this EPSG code; `UnknownCrs` otherwise."""
    if code in _BY_EPSG:
        return _BY_EPSG[code]
    raise UnknownCrs(_describe_foreign(code), accepted_crs_names())


def parse_crs(name: str | int) -> KnownCrs:
    """Read a CRS as clients write it: ``EPSG:4528``, ``4528``,
    ``urn:ogc:def:crs:EPSG::4490``, ``http://www.opengis.net/def/crs/EPSG/0/4490``, the EPSG
    name (``CGCS2000 / 3-degree Gauss-Kruger zone 40``) or a WKT string.

    Raises `UnknownCrs`, listing the accepted CRSs, for anything else.
    """
    if isinstance(name, bool) or not isinstance(name, int | str):
        raise UnknownCrs(name, accepted_crs_names())
    if isinstance(name, int):
        return crs_by_epsg(name)
    text = name.strip()
    for form in _EPSG_FORMS:
        if match := form.match(text):
            return crs_by_epsg(int(match.group(1)))
    if found := _BY_NAME.get(re.sub(r"\s+", " ", text).casefold()):
        return found
    if text[:8].upper().startswith(("GEOGCRS[", "PROJCRS[", "GEOGCS[", "PROJCS[", "{")):
        try:
            code = CRS.from_user_input(text).to_epsg(min_confidence=90)
        except CRSError:
            code = None
        if code is not None:
            return crs_by_epsg(code)
    raise UnknownCrs(name, accepted_crs_names())


def _describe_foreign(code: int) -> str:
    try:
        return f"EPSG:{code} ({CRS.from_epsg(code).name})"
    except CRSError:
        return f"EPSG:{code}"


def gk_zone_for_longitude(lon: float) -> int:
    """The 3-degree Gauss-Kruger zone (3度带带号) of a longitude: ``round(lon / 3)``.

    A longitude on a zone boundary (118.5°E) goes to the eastern zone (40), half up.
    """
    if not math.isfinite(lon) or not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon!r} is not between -180 and 180")
    return math.floor(lon / ZONE_WIDTH_DEG + 0.5)


def gk_crs_for_longitude(lon: float, *, zone_prefixed: bool = True) -> KnownCrs:
    """The accepted Gauss-Kruger CRS of a longitude; `UnsupportedZone` outside zones 39/40."""
    zone = gk_zone_for_longitude(lon)
    for crs in ACCEPTED_CRS:
        if crs.zone == zone and crs.zone_prefixed == zone_prefixed:
            return crs
    raise UnsupportedZone(lon, zone, sorted({c.zone for c in ACCEPTED_CRS if c.zone}))


def gk_epsg_for_zone(zone: int) -> int:
    """EPSG code of the CGCS2000 3-degree zone (prefixed eastings), for zones 25..45.

    Used for area computations anywhere in China; only zones 39 and 40 are accepted as
    input CRSs.
    """
    if zone not in _CHINA_ZONES:
        raise ValueError(f"3-degree zone {zone} is outside China (25..45)")
    return 4513 + zone - 25


@lru_cache(maxsize=64)
def transformer_between(source_epsg: int, target_epsg: int) -> Transformer:
    """A cached pyproj transformer in GIS axis order (``always_xy=True``).

    pyproj transformers are thread-safe since pyproj 3.1, so one instance is shared.
    """
    return Transformer.from_crs(source_epsg, target_epsg, always_xy=True)


def transformer(source: KnownCrs, target: KnownCrs) -> Transformer:
    """The cached transformer from one accepted CRS to another, GIS axis order."""
    return transformer_between(source.epsg, target.epsg)


_G = TypeVar("_G")


def transform_geometry(geometry: _G, source_epsg: int, target_epsg: int) -> _G:
    """A shapely geometry moved from one CRS to another (GIS order in and out, 2D)."""
    if source_epsg == target_epsg:
        return geometry
    tr = transformer_between(source_epsg, target_epsg)

    def move(coords: Any) -> Any:
        xs, ys = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([xs, ys])

    mover: Callable[[Any], Any] = move
    return shapely.transform(geometry, mover)  # type: ignore[no-any-return]


def reproject(geometry: _G, source: KnownCrs, target: KnownCrs) -> _G:
    """`transform_geometry` between two accepted CRSs."""
    return transform_geometry(geometry, source.epsg, target.epsg)


@dataclass(frozen=True)
class SurveyPoint:
    """A point in Chinese surveying order: ``x`` northing (X, 纵坐标), ``y`` easting (Y, 横坐标)."""

    x: float
    y: float

    @property
    def gis_xy(self) -> tuple[float, float]:
        """``(easting, northing)``: the order of shapely and pyproj (``always_xy``)."""
        return (self.y, self.x)

    @classmethod
    def from_gis_xy(cls, easting: float, northing: float) -> SurveyPoint:
        return cls(x=northing, y=easting)


def survey_to_lonlat(point: SurveyPoint, crs: KnownCrs) -> tuple[float, float]:
    """``(lon, lat)`` in EPSG:4490 of a surveying point in a projected CRS."""
    lon, lat = transformer(crs, CGCS2000).transform(point.y, point.x)
    return (float(lon), float(lat))


def lonlat_to_survey(lon: float, lat: float, crs: KnownCrs) -> SurveyPoint:
    """The surveying point (X northing, Y easting) of a lon/lat in a projected CRS."""
    easting, northing = transformer(CGCS2000, crs).transform(lon, lat)
    return SurveyPoint(x=float(northing), y=float(easting))


class CoordinateIssueCode(StrEnum):
    """Why coordinates do not fit the CRS they were declared in."""

    LOOKS_LIKE_LONLAT = "looks_like_lonlat"
    AXES_SWAPPED = "axes_swapped"
    MISSING_ZONE_PREFIX = "missing_zone_prefix"
    UNEXPECTED_ZONE_PREFIX = "unexpected_zone_prefix"
    ZONE_PREFIX_MISMATCH = "zone_prefix_mismatch"
    EASTING_OUT_OF_ZONE = "easting_out_of_zone"
    NORTHING_OUT_OF_RANGE = "northing_out_of_range"
    LOOKS_PROJECTED = "looks_projected"
    LONLAT_SWAPPED = "lonlat_swapped"
    OUTSIDE_CHINA = "outside_china"


@dataclass(frozen=True)
class CoordinateIssue:
    """A sign that coordinates are in another CRS than declared ("wrong CRS")."""

    code: CoordinateIssueCode
    message_en: str
    message_zh: str
    suggestion: KnownCrs | None = None  # the CRS the coordinates seem to be in


def _zone_prefix(value: float) -> int | None:
    """The zone number carried by a prefixed easting (39 for 39 390 622.93), if any."""
    if 10_000_000 <= value < 100_000_000:
        zone = int(value // 1_000_000)
        return zone if zone in _CHINA_ZONES else None
    return None


def _crs_for_zone(zone: int, zone_prefixed: bool) -> KnownCrs | None:
    return next(
        (c for c in ACCEPTED_CRS if c.zone == zone and c.zone_prefixed == zone_prefixed), None
    )


def check_survey_point(x: float, y: float, crs: KnownCrs) -> CoordinateIssue | None:
    """Say why (X northing, Y easting) cannot be in the projected ``crs``, or None if they fit.

    Detects lon/lat degrees given as metres, X and Y swapped, a Y without (or with an
    unexpected, or another) zone prefix, an easting too far from the central meridian and a
    northing outside China.
    """
    if crs.is_geographic or crs.zone is None:
        raise ValueError(f"{crs.code} is not a projected CRS")
    pair = f"X={x}, Y={y}"
    if abs(x) <= 180 and abs(y) <= 180:
        return CoordinateIssue(
            CoordinateIssueCode.LOOKS_LIKE_LONLAT,
            f"{pair} look like degrees (lon/lat), not metres in {crs.code}",
            f"{pair} 像经纬度（度），不是{crs.code}的平面坐标（米）",
            CGCS2000,
        )
    y_zone, x_zone = _zone_prefix(y), _zone_prefix(x)
    y_is_northing = 1_000_000 < y < _MAX_NORTHING_M
    x_is_easting = x_zone is not None or 0 < x < 1_000_000
    if y_is_northing and x_is_easting:
        return CoordinateIssue(
            CoordinateIssueCode.AXES_SWAPPED,
            f"{pair}: X and Y look swapped; X is the northing and Y the easting",
            f"{pair}：X、Y 似乎颠倒；X 为纵坐标（北），Y 为横坐标（东）",
        )
    if crs.zone_prefixed:
        if y_zone is None:
            if 0 < y < 1_000_000:
                return CoordinateIssue(
                    CoordinateIssueCode.MISSING_ZONE_PREFIX,
                    f"Y={y} has no zone prefix; {crs.code} expects Y like "
                    f"{crs.zone}xxxxxx.xx (or declare the CRS without prefix)",
                    f"Y={y} 缺少带号；{crs.code} 的 Y 应为 {crs.zone}xxxxxx.xx 形式",
                    _crs_for_zone(crs.zone, zone_prefixed=False),
                )
            return CoordinateIssue(
                CoordinateIssueCode.EASTING_OUT_OF_ZONE,
                f"Y={y} is not an easting with a zone prefix (expected {crs.zone}xxxxxx.xx)",
                f"Y={y} 不是带带号的横坐标（应为 {crs.zone}xxxxxx.xx）",
            )
        if y_zone != crs.zone:
            other = _crs_for_zone(y_zone, zone_prefixed=True)
            hint = f"declare {other.code}" if other else f"zone {y_zone} is not supported"
            return CoordinateIssue(
                CoordinateIssueCode.ZONE_PREFIX_MISMATCH,
                f"Y={y} carries zone prefix {y_zone} but {crs.code} is zone {crs.zone}; {hint}",
                f"Y={y} 的带号为 {y_zone}，与 {crs.code}（第{crs.zone}带）不符",
                other,
            )
    elif y_zone is not None:
        return CoordinateIssue(
            CoordinateIssueCode.UNEXPECTED_ZONE_PREFIX,
            f"Y={y} carries zone prefix {y_zone} but {crs.code} has no prefix",
            f"Y={y} 带有带号 {y_zone}，而 {crs.code} 不带带号",
            _crs_for_zone(y_zone, zone_prefixed=True),
        )
    if abs(y - crs.false_easting) > _MAX_OFFSET_FROM_MERIDIAN_M:
        return CoordinateIssue(
            CoordinateIssueCode.EASTING_OUT_OF_ZONE,
            f"Y={y} is more than 300 km from the central meridian of {crs.code}",
            f"Y={y} 距 {crs.code} 中央经线超过 300 公里",
        )
    if not 0 < x < _MAX_NORTHING_M:
        return CoordinateIssue(
            CoordinateIssueCode.NORTHING_OUT_OF_RANGE,
            f"X={x} is not a northing in China (0 to 6 200 000 m)",
            f"X={x} 不在我国纵坐标范围内（0 至 6 200 000 米）",
        )
    return None


def check_lonlat(lon: float, lat: float) -> CoordinateIssue | None:
    """Say why (lon, lat) cannot be EPSG:4490 degrees in China, or None if they fit.

    Detects projected metres given as degrees, (lat, lon) order and points outside China.
    """
    pair = f"({lon}, {lat})"
    west, south, east, north = CHINA_LONLAT_BOUNDS
    if west <= lat <= east and south <= lon <= north:
        return CoordinateIssue(
            CoordinateIssueCode.LONLAT_SWAPPED,
            f"{pair} look like (lat, lon); GeoJSON positions are [lon, lat]",
            f"{pair} 似为（纬度, 经度）；GeoJSON 坐标顺序为 [经度, 纬度]",
        )
    if abs(lon) > 180 or abs(lat) > 90:
        return CoordinateIssue(
            CoordinateIssueCode.LOOKS_PROJECTED,
            f"{pair} look like projected metres, not lon/lat degrees (EPSG:4490); send "
            "projected coordinates as a corner list with their CRS",
            f"{pair} 像平面坐标（米），不是经纬度（EPSG:4490）；"
            "平面坐标请按拐点坐标提交并注明坐标系",
            _crs_for_zone(zone, zone_prefixed=True)
            if (zone := _zone_prefix(lon) or _zone_prefix(lat))
            else None,
        )
    if not (west <= lon <= east and south <= lat <= north):
        return CoordinateIssue(
            CoordinateIssueCode.OUTSIDE_CHINA,
            f"{pair} lies outside China; is the CRS right?",
            f"{pair} 位于我国范围之外，请检查坐标系",
        )
    return None
