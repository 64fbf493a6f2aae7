"""The map (一张图): current zones and licence areas as one GeoJSON FeatureCollection
(EPSG:4490 lon/lat), for the dashboard."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from lode_reporting.adapters.tables import ReportingLicence, ReportingZone
from lode_reporting.api.deps import STAFF, Service
from lode_reporting.projections.journal import position
from lode_reporting.queries.facts import snapshot

router = APIRouter(prefix="/reporting/v1", tags=["map"])

Geometry = dict[str, Any]
"""A GeoJSON geometry (RFC 7946) in EPSG:4490 lon/lat, as zoning or licensing published it."""


class ZoneProperties(BaseModel):
    kind: Literal["zone"]
    zone_id: str
    type: str = Field(description="the zone type's id in the plan (e.g. mining_block)")
    code: str
    name_zh: str
    illustrative: bool


class LicenceProperties(BaseModel):
    kind: Literal["licence"]
    licence_no: str
    right_type: Literal["exploration", "mining"]
    status: Literal["active", "suspended", "expired", "revoked", "cancelled"]
    mineral: str
    scale: Literal["large", "medium", "small"] | None
    illustrative: bool
    holder_name: str


class Feature(BaseModel):
    type: Literal["Feature"]
    geometry: Geometry
    properties: ZoneProperties | LicenceProperties = Field(discriminator="kind")


class CrsProperties(BaseModel):
    name: Literal["EPSG:4490"]


class NamedCrs(BaseModel):
    """The collection's CRS (the 2008 GeoJSON ``crs`` member): CGCS2000 lon/lat."""

    type: Literal["name"]
    properties: CrsProperties


CGCS2000 = NamedCrs(type="name", properties=CrsProperties(name="EPSG:4490"))


class MapFeatures(BaseModel):
    """A GeoJSON FeatureCollection with the journal position it reflects."""

    type: Literal["FeatureCollection"]
    crs: NamedCrs
    features: list[Feature]
    as_of: str | None = Field(
        json_schema_extra={"format": "date-time"},
        description="the time of the latest event the map includes (ISO 8601); null before any",
    )
    as_of_position: int


@router.get(
    "/map",
    dependencies=[STAFF],
    response_model=MapFeatures,
    summary="Current zones and licence areas (GeoJSON FeatureCollection, EPSG:4490)",
)
async def map_features(service: Service) -> MapFeatures:
    async with snapshot(service.runtime.sessions) as session:
        as_of = await position(session)
        zones = (
            await session.execute(
                select(ReportingZone)
                .where(col(ReportingZone.retired).is_(False))
                .order_by(col(ReportingZone.type), col(ReportingZone.code))
            )
        ).scalars()
        licences = (
            await session.execute(
                select(ReportingLicence).order_by(col(ReportingLicence.licence_no))
            )
        ).scalars()
        features = [
            Feature(
                type="Feature",
                geometry=z.geometry,
                properties=ZoneProperties(
                    kind="zone",
                    zone_id=z.zone_id,
                    type=z.type,
                    code=z.code,
                    name_zh=z.name_zh,
                    illustrative=z.illustrative,
                ),
            )
            for z in zones
            if z.geometry is not None
        ]
        features += [
            Feature(
                type="Feature",
                geometry=lic.area,
                properties=LicenceProperties.model_validate(
                    {"kind": "licence", **lic.model_dump()}
                ),
            )
            for lic in licences
            if lic.area is not None
        ]
    return MapFeatures(
        type="FeatureCollection",
        crs=CGCS2000,
        features=features,
        as_of=as_of["as_of"].isoformat() if as_of["as_of"] else None,
        as_of_position=as_of["as_of_position"],
    )
