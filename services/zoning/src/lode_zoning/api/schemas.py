"""The bodies zoning takes and gives, as its OpenAPI document publishes them.

Zones travel as GeoJSON (RFC 7946), bodies of up to megabytes of coordinates: they are read
by hand (``deps.json_body``, off the event loop when large) and checked by the readers that
name every fault (``geojson.zone_fields``, ``handlers.area_input``), so these models are
the published contract of those readers, not a second validation. They say what the readers
accept: Polygon and MultiPolygon geometries of positions of two or three numbers, rings of
at least four positions, a zone's properties and their bounds, no unknown member. What a
schema cannot say (a ring closed, not crossing itself, inside the plan's region) the
answer's ``errors`` name.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, WithJsonSchema

from lode_common.limits import (
    CODE_MAX,
    FEATURES_PER_IMPORT_MAX,
    MINERALS_PER_ZONE_MAX,
    STRICT_BODY,
    Code,
    Name,
    PlanId,
    Text,
)
from lode_common.openapi import REF
from lode_common.types import UtcDatetime
from lode_zoning.domain.crs import ACCEPTED_CRS

Position = Annotated[
    list[float], Field(min_length=2, max_length=3, description="[lon, lat] or [lon, lat, alt]")
]
Ring = Annotated[
    list[Position],
    Field(min_length=4, description="closed: the last position repeats the first"),
]
Rings = Annotated[list[Ring], Field(min_length=1, description="the shell, then any holes")]
BBox = Annotated[list[float], Field(min_length=4, max_length=6)]


class Polygon(BaseModel):
    """A GeoJSON Polygon (RFC 7946 §3.1.6)."""

    model_config = ConfigDict(extra="allow")  # GeoJSON's foreign members are ignored
    type: Literal["Polygon"]
    coordinates: Rings
    bbox: BBox | None = None


class MultiPolygon(BaseModel):
    """A GeoJSON MultiPolygon (RFC 7946 §3.1.7)."""

    model_config = ConfigDict(extra="allow")
    type: Literal["MultiPolygon"]
    coordinates: Annotated[list[Rings], Field(min_length=1)]
    bbox: BBox | None = None


Geometry = Annotated[Polygon | MultiPolygon, Field(discriminator="type")]


CRS_CODES: Final = tuple(f"EPSG:{crs.epsg}" for crs in ACCEPTED_CRS)
CrsCode = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(CRS_CODES),
            "description": "an accepted CRS (also read: 4528, urn:ogc:def:crs:EPSG::4528, "
            "http://www.opengis.net/def/crs/EPSG/0/4528, the EPSG name)",
        }
    ),
    Field(max_length=CODE_MAX),
]
"""A CRS by its code, published as the codes ``domain.crs.parse_crs`` accepts."""


class NamedCrsProperties(BaseModel):
    name: CrsCode


class NamedCrs(BaseModel):
    """A CRS as GIS tools write it in GeoJSON (the 2008 draft's ``crs`` member)."""

    type: Literal["name"]
    properties: NamedCrsProperties


Crs = Annotated[
    CrsCode | NamedCrs,
    Field(description="the CRS of projected coordinates or of corners (EPSG:4490 without)"),
]
CornerPoint = Annotated[
    list[float], Field(min_length=2, max_length=2, description="[X northing, Y easting]")
]
Corners = Annotated[
    Annotated[list[CornerPoint], Field(min_length=1)]
    | Annotated[list[Annotated[list[CornerPoint], Field(min_length=1)]], Field(min_length=1)]
    | Annotated[str, Field(min_length=1)],
    Field(
        description="corner coordinates (拐点坐标), X northing and Y easting with the zone "
        "prefix: a list of points, a list of rings, or the bureau's text"
    ),
]


class ZonePropertiesIn(BaseModel):
    """A zone's properties as sent, each optional: a change keeps what it does not say, an
    import takes ``plan_id`` and ``type`` from its query. The properties the service writes
    itself (``id``, ``status``, ``version``...) may be sent back, as an export carries
    them, and are ignored."""

    model_config = STRICT_BODY
    plan_id: PlanId | None = None
    type: Code | None = Field(None, description="one of the plan's zone types")
    code: Code | None = Field(None, description="编号, unique among the plan's active zones")
    name_zh: Name | None = None
    minerals: Annotated[list[Code], Field(max_length=MINERALS_PER_ZONE_MAX)] | None = None
    illustrative: bool | None = None
    note: Text | None = Field(None, description="备注, kept with the zone")
    conditions_zh: Text | None = Field(
        None,
        description="the zone's conditions (e.g. a 限采区's 开采条件), kept with the zone and "
        "named with it by the analysis",
    )
    id: Any = None
    status: Any = None
    version: Any = None
    area_ha: Any = None
    changed_at: Any = None
    changed_by: Any = None
    reason: Any = None


class NewZoneProperties(ZonePropertiesIn):
    """The properties of a new zone: its plan, type, code and name are required."""

    plan_id: PlanId
    type: Code = Field(description="one of the plan's zone types")
    code: Code = Field(description="编号, unique among the plan's active zones")
    name_zh: Name


_GIVEN: Final = {"not": {"type": "null"}}
AN_AREA: Final[dict[str, Any]] = {
    "allOf": [
        {
            "anyOf": [
                {"required": ["geometry"], "properties": {"geometry": _GIVEN}},
                {
                    "required": ["corners", "crs"],
                    "properties": {"corners": _GIVEN, "crs": _GIVEN},
                },
            ]
        }
    ]
}
"""An area: ``geometry`` (EPSG:4490 lon/lat, or projected with ``crs``), or ``corners``
with their ``crs`` (``handlers.area_input.read_area``)."""
AN_IMPORTED_AREA: Final[dict[str, Any]] = {
    "allOf": [
        {
            "anyOf": [
                {"required": ["geometry"], "properties": {"geometry": _GIVEN}},
                {"required": ["corners"], "properties": {"corners": _GIVEN}},
            ]
        }
    ]
}
"""An imported feature's area: its ``crs`` may be the collection's."""


class ZoneFeatureBody(BaseModel):
    """A zone as a GeoJSON Feature, its properties partial (a feature of an import)."""

    model_config = STRICT_BODY
    type: Literal["Feature"] | None = "Feature"
    id: Any = None
    bbox: BBox | None = None
    geometry: Geometry | None = None
    properties: ZonePropertiesIn | None = None
    corners: Corners | None = None
    crs: Crs | None = None


class ZoneFeatureIn(ZoneFeatureBody):
    """A zone to create: a GeoJSON Feature with its area and its properties."""

    model_config = ConfigDict(**STRICT_BODY, json_schema_extra=AN_AREA)
    properties: NewZoneProperties


class ImportedZone(ZoneFeatureBody):
    """A feature of an import: a zone with its area; ``plan_id`` and ``type`` may come
    from the import's query."""

    model_config = ConfigDict(**STRICT_BODY, json_schema_extra=AN_IMPORTED_AREA)


class ZoneChange(ZoneFeatureBody):
    """A new version of a zone: what changes (its area, its properties) and why."""

    reason: Annotated[Text, Field(min_length=2, description="why (kept in the history)")]


class ZoneImport(BaseModel):
    """A GeoJSON FeatureCollection of zones, imported all or nothing."""

    model_config = STRICT_BODY
    type: Literal["FeatureCollection"]
    features: Annotated[list[ImportedZone], Field(min_length=1, max_length=FEATURES_PER_IMPORT_MAX)]
    crs: Crs | None = None
    name: Any = None
    bbox: BBox | None = None


class ZoneProperties(BaseModel):
    """A zone version's properties as the service answers them."""

    model_config = ConfigDict(extra="allow")  # the zone's own attributes (its note)
    id: str
    plan_id: str
    type: str
    code: str
    name_zh: str
    minerals: list[str]
    status: Literal["active", "retired"]
    version: int
    area_ha: float
    illustrative: bool
    changed_at: UtcDatetime
    changed_by: str
    reason: str | None
    note: str | None = None
    conditions_zh: str | None = None


class ZoneFeature(BaseModel):
    """One version of a zone, as a GeoJSON Feature (EPSG:4490)."""

    type: Literal["Feature"]
    id: str
    geometry: Geometry
    properties: ZoneProperties


class ZoneCollection(BaseModel):
    """Zones as a GeoJSON FeatureCollection; ``total`` counts every match of the query."""

    type: Literal["FeatureCollection"]
    features: list[ZoneFeature]
    total: int


def _published(kind: Any) -> WithJsonSchema:
    """The JSON schema of ``kind`` for a field a reader checks by hand (kept as sent)."""
    schema = TypeAdapter(kind).json_schema(ref_template=REF)
    schema.pop("$defs", None)  # the models it uses are components (``publish_bodies``)
    return WithJsonSchema(schema)


GeometryAsSent = Annotated[dict[str, Any], _published(Geometry)]
"""A GeoJSON geometry, published as `Geometry`, read by ``handlers.area_input``."""
CornersAsSent = Annotated[list[Any] | str, _published(Corners)]
"""Corner coordinates, published as `Corners`, read by ``domain.corners``."""
NamedCrsAsSent = Annotated[dict[str, Any], _published(NamedCrs)]
"""A GeoJSON ``crs`` member, published as `NamedCrs`, read by ``area_input.crs_name``."""
