"""One area, in any of the forms the API accepts, as a validated EPSG:4490 polygon.

* ``{"geometry": <GeoJSON>}``: EPSG:4490 lon/lat (RFC 7946);
* ``{"geometry": <GeoJSON>, "crs": "EPSG:4528"}``: the geometry's coordinates are
  Gauss-Kruger easting/northing (GIS order) in that CRS;
* ``{"corners": [[X, Y], ...] | "<corner list text>", "crs": "EPSG:4528"}``: corner
  coordinates (拐点坐标) in Chinese surveying order.

Every form is checked for the same faults (structure, closure, self-intersection, outside
the plan's region); the errors name the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shapely.geometry import MultiPolygon, Polygon

from lode_zoning.domain.corner_text import parse_corner_text
from lode_zoning.domain.corners import corner_count, parse_corners_json, too_many_corners
from lode_zoning.domain.crs import CGCS2000, parse_crs
from lode_zoning.domain.errors import (
    CornerListInvalid,
    GeometryInvalid,
    UnknownCrs,
    ZoningDomainError,
)
from lode_zoning.domain.geometry import (
    Region,
    geojson_to_shape,
    shape_to_geojson,
    too_many_vertices,
    validate_geojson_geometry,
    vertex_count,
)

Area = Polygon | MultiPolygon


class AreaMissing(ZoningDomainError):
    def __init__(self) -> None:
        super().__init__(
            "no area given: send 'geometry' (GeoJSON, EPSG:4490) or 'corners' with 'crs'"
        )

    def field_errors(self) -> list[dict[str, str]]:
        return [{"field": "geometry", "message": self.detail}]


@dataclass(frozen=True)
class ReadArea:
    geometry: Polygon | MultiPolygon  # EPSG:4490
    source_crs: str  # the CRS it was given in


def crs_name(value: object) -> str | None:
    """The CRS of a request: ``"EPSG:4528"`` or the GeoJSON 2008 ``{"type": "name", ...}``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        props = value.get("properties")
        name = props.get("name") if isinstance(props, Mapping) else None
        return str(name) if name is not None else str(value)
    return str(value)


def area_vertices(body: Mapping[str, Any]) -> int:
    """How many vertices the area of ``body`` has, counted without reading them (the lines
    of a corner text): what decides whether its work runs off the event loop."""
    corners = body.get("corners")
    if isinstance(corners, str):
        return corners.count("\n") + 1
    if corners is not None:
        return corner_count(corners)
    return vertex_count(body.get("geometry"))


def read_area(body: Mapping[str, Any], region: Region | None) -> ReadArea:
    """Raises a ``ZoningDomainError`` (422) naming what is wrong; an area of more than
    ``VERTICES_MAX`` vertices is refused before anything of it is read."""
    crs_given = crs_name(body.get("crs"))
    if body.get("corners") is not None:
        corners = body["corners"]
        oversized = (
            too_many_corners(area_vertices(body), unit=("lines", "行"))
            if isinstance(corners, str)
            else too_many_corners(area_vertices(body))
        )
        if oversized:
            raise CornerListInvalid([oversized])
        if isinstance(corners, str):
            listed = parse_corner_text(corners, crs_given or "")
        else:
            listed = parse_corners_json({"corners": corners, "crs": crs_given})
        geometry = listed.geometry_lonlat
        checked = geojson_to_shape(shape_to_geojson(geometry), region=region)
        return ReadArea(checked, listed.crs.code)
    geometry_obj = body.get("geometry")
    if geometry_obj is None:
        raise AreaMissing()
    if too_many := too_many_vertices(vertex_count(geometry_obj)):
        raise GeometryInvalid([too_many])
    crs = parse_crs(crs_given) if crs_given else CGCS2000
    if crs.is_geographic:
        return ReadArea(geojson_to_shape(geometry_obj, region=region), crs.code)
    # Projected GeoJSON is easting/northing: read it as corner rings (northing, easting),
    # so the zone prefix and every ring get the corner list's checks.
    listed = parse_corners_json({"corners": _survey_rings(geometry_obj), "crs": crs.code})
    checked = geojson_to_shape(shape_to_geojson(listed.geometry_lonlat), region=region)
    return ReadArea(checked, crs.code)


def _survey_rings(geometry_obj: object) -> list[list[list[Any]]]:
    if not isinstance(geometry_obj, Mapping) or geometry_obj.get("type") not in (
        "Polygon",
        "MultiPolygon",
    ):
        raise GeometryInvalid(validate_geojson_geometry(geometry_obj))
    coordinates: Any = geometry_obj.get("coordinates") or []
    polygons: Any = [coordinates] if geometry_obj["type"] == "Polygon" else coordinates
    try:
        return [
            [[position[1], position[0]] for position in ring]
            for polygon in polygons
            for ring in polygon
        ]
    except (TypeError, IndexError, KeyError):
        raise GeometryInvalid(validate_geojson_geometry(geometry_obj)) from None


__all__ = [
    "Area",
    "AreaMissing",
    "ReadArea",
    "UnknownCrs",
    "area_vertices",
    "crs_name",
    "read_area",
]
